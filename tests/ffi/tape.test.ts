// Raw tape symbols: create/destroy, status codes for bad arguments, stats layouts, NULL-safe destroys.
import { after, describe, test } from "node:test";
import { assert, assertEquals } from "@std/assert";
import { backend, lib } from "../../lib/ffi/load.ts";
import { cstr, ReaderStat, WriterStat } from "../../lib/ffi/tape_native.ts";
import { FloxStatus } from "../../lib/status_codes.ts";
import { removeDir, tempDir } from "../support/tape_helpers.ts";

const dir = tempDir("ffi-tape");
after(() => removeDir(dir));

describe("tape writer symbols", () => {
  test("create, trade, bulk trades, close, stats after close, destroy", () => {
    const out = new BigUint64Array(1);
    assertEquals(lib.flox_tape_writer_create(cstr(dir), 0n, 0, 0, 0, 0, out), FloxStatus.OK);
    const w = backend.handleFrom(out[0]);
    assertEquals(lib.flox_tape_writer_trade(w, 5n, 1, 1.25, 2, 0), FloxStatus.OK);
    assertEquals(lib.flox_tape_writer_trade(w, 6n, 1, 1.25, 2, 7), FloxStatus.BAD_SIDE);
    const ts = new BigInt64Array([7n, 8n]), sym = new Uint32Array([1, 2]), px = new Float64Array([1, 2]);
    const q = new Float64Array([3, 4]), side = new Uint8Array([0, 1]);
    assertEquals(lib.flox_tape_writer_trades(w, ts, sym, px, q, side, 2n), FloxStatus.OK);
    assertEquals(lib.flox_tape_writer_trades(w, ts, sym, px, q, side, -1n), FloxStatus.INVALID_ARG);
    assertEquals(lib.flox_tape_writer_set_metadata(w, cstr("bogus"), cstr("x")), FloxStatus.INVALID_ARG);
    assertEquals(lib.flox_tape_writer_close(w), FloxStatus.OK);
    assertEquals(lib.flox_tape_writer_trade(w, 9n, 1, 1, 1, 0), FloxStatus.STATE);
    const stats = new BigInt64Array(WriterStat.COUNT);
    assertEquals(lib.flox_tape_writer_stats(w, stats, WriterStat.COUNT), FloxStatus.OK);
    assertEquals(stats[WriterStat.TRADES], 3n);
    assertEquals(stats[WriterStat.BYTES], 180n);
    assertEquals(stats[WriterStat.SEGMENTS], 1n);
    lib.flox_tape_writer_destroy(w);
    lib.flox_tape_writer_destroy(null);
  });

  test("bad options are refused", () => {
    const out = new BigUint64Array(1);
    assertEquals(lib.flox_tape_writer_create(cstr(dir), -5n, 0, 0, 0, 0, out), FloxStatus.INVALID_ARG);
    assertEquals(lib.flox_tape_writer_create(cstr(dir), 0n, 9, 0, 0, 0, out), FloxStatus.INVALID_ARG);
    assertEquals(lib.flox_tape_writer_create(cstr(dir), 0n, 0, 70000, 0, 0, out), FloxStatus.INVALID_ARG);
    assertEquals(lib.flox_tape_writer_create(cstr(dir), 0n, 0, 0, 256, 0, out), FloxStatus.INVALID_ARG);
    assertEquals(out[0], 0n);
  });
});

describe("tape reader symbols", () => {
  test("open, read raw, scan, stats, symbols, segment info", () => {
    const out = new BigUint64Array(1);
    assertEquals(lib.flox_tape_reader_open(cstr(dir), 0, 0, 0, out), FloxStatus.OK);
    const r = backend.handleFrom(out[0]);
    const ts = new BigInt64Array(8), sym = new Uint32Array(8), pr = new BigInt64Array(8), qr = new BigInt64Array(8);
    const side = new Uint8Array(8), n = new Int32Array(1);
    assertEquals(lib.flox_tape_reader_read_trades_raw(r, ts, sym, pr, qr, side, 8, n), FloxStatus.OK);
    assertEquals(n[0], 3);
    assertEquals([...pr.subarray(0, 3)], [125_000_000n, 100_000_000n, 200_000_000n]);
    assertEquals(lib.flox_tape_reader_read_trades_raw(r, ts, sym, pr, qr, side, -1, n), FloxStatus.INVALID_ARG);
    assertEquals(lib.flox_tape_reader_rewind(r), FloxStatus.OK);
    assertEquals(lib.flox_tape_reader_scan(r, 0n, null, n), FloxStatus.OK);
    assertEquals(n[0], 1);
    const st = new BigInt64Array(ReaderStat.COUNT);
    assertEquals(lib.flox_tape_reader_stats(r, st, ReaderStat.COUNT), FloxStatus.OK);
    assertEquals(st[ReaderStat.TRADES], 3n);
    assertEquals(st[ReaderStat.FIRST_TRADE_TS], 5n);
    const ids = new Uint32Array(4);
    assertEquals(lib.flox_tape_reader_symbols(r, ids, 4, n), FloxStatus.OK);
    assertEquals([n[0], ids[0], ids[1]], [2, 1, 2]);
    assertEquals(lib.flox_tape_reader_segment_count(r), 1);
    const info = new BigInt64Array(10), path = new Uint8Array(4);
    assertEquals(lib.flox_tape_reader_segment_info(r, 0, info, 10, path, 4), FloxStatus.BUFFER_TOO_SMALL);
    assertEquals(lib.flox_tape_reader_segment_info(r, 3, info, 10, path, 4), FloxStatus.INVALID_ARG);
    assertEquals(lib.flox_tape_reader_damage_count(r), 0);
    assertEquals(lib.flox_tape_reader_set_filter(r, 10n, 1n, new Uint32Array(1), 0), FloxStatus.INVALID_ARG);
    lib.flox_tape_reader_destroy(r);
    lib.flox_tape_reader_destroy(null);
  });

  test("missing directories and files are NOT_FOUND / INVALID_ARG", () => {
    const out = new BigUint64Array(1);
    assertEquals(lib.flox_tape_reader_open(cstr(dir + "/missing"), 0, 0, 0, out), FloxStatus.NOT_FOUND);
    assert(backend.cString(lib.flox_last_error()).includes("missing"));
    assertEquals(lib.flox_tape_reader_open(cstr(dir + "/metadata.json"), 0, 0, 0, out), FloxStatus.INVALID_ARG);
    assertEquals(lib.flox_tape_reader_open(cstr(dir), -1, 0, 0, out), FloxStatus.INVALID_ARG);
  });

  test("diff of a tape with itself", () => {
    const out = new BigUint64Array(1);
    assertEquals(lib.flox_tape_diff_run(cstr(dir), cstr(dir), 0n, 16, null, out), FloxStatus.OK);
    const d = backend.handleFrom(out[0]);
    const s = new BigInt64Array(8);
    assertEquals(lib.flox_tape_diff_summary(d, s, 8), FloxStatus.OK);
    assertEquals([s[0], s[1], s[3]], [1n, -1n, 3n]);
    lib.flox_tape_diff_destroy(d);
    lib.flox_tape_diff_destroy(null);
  });
});
