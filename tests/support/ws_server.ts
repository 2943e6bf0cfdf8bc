// A minimal RFC 6455 websocket server over node:http's "upgrade" event. It exists because the
// fake exchange must run unchanged under Deno and Bun, and Bun's built-in "ws" shim does not
// implement a server on top of node:http. Text frames, ping/pong and close are enough for ccxt;
// no extensions (permessage-deflate is not offered, so clients don't use it).
import { createHash } from "node:crypto";
import type { IncomingMessage } from "node:http";
import type { Duplex } from "node:stream";
import { Buffer } from "node:buffer";

const GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

export class WsConnection {
  readonly path: string;
  closed = false;
  onText: (text: string) => void = () => {};
  onClose: () => void = () => {};
  private pending: Buffer = Buffer.alloc(0);

  constructor(private readonly socket: Duplex, path: string) {
    this.path = path;
    socket.on("data", (chunk: Buffer) => this.receive(chunk));
    socket.on("close", () => this.markClosed());
    socket.on("error", () => this.markClosed());
  }

  sendText(text: string): void {
    if (this.closed) return;
    this.writeFrame(0x1, Buffer.from(text, "utf8"));
  }

  /** Polite close: a close frame, then the socket ends. */
  close(code = 1000): void {
    if (this.closed) return;
    const payload = Buffer.alloc(2);
    payload.writeUInt16BE(code, 0);
    this.writeFrame(0x8, payload);
    this.socket.end();
    this.markClosed();
  }

  /** Abrupt drop, as when a venue's load balancer cuts the TCP connection (no close frame). */
  drop(): void {
    if (this.closed) return;
    this.socket.destroy();
    this.markClosed();
  }

  private markClosed(): void {
    if (this.closed) return;
    this.closed = true;
    this.onClose();
  }

  private writeFrame(opcode: number, payload: Buffer): void {
    const len = payload.length;
    let header: Buffer;
    if (len < 126) {
      header = Buffer.from([0x80 | opcode, len]);
    } else if (len < 65536) {
      header = Buffer.alloc(4);
      header[0] = 0x80 | opcode;
      header[1] = 126;
      header.writeUInt16BE(len, 2);
    } else {
      header = Buffer.alloc(10);
      header[0] = 0x80 | opcode;
      header[1] = 127;
      header.writeBigUInt64BE(BigInt(len), 2);
    }
    this.socket.write(Buffer.concat([header, payload]));
  }

  private receive(chunk: Buffer): void {
    this.pending = this.pending.length === 0 ? chunk : Buffer.concat([this.pending, chunk]);
    for (;;) {
      const buf = this.pending;
      if (buf.length < 2) return;
      const opcode = buf[0] & 0x0f;
      const masked = (buf[1] & 0x80) !== 0;
      let len = buf[1] & 0x7f;
      let offset = 2;
      if (len === 126) {
        if (buf.length < 4) return;
        len = buf.readUInt16BE(2);
        offset = 4;
      } else if (len === 127) {
        if (buf.length < 10) return;
        len = Number(buf.readBigUInt64BE(2));
        offset = 10;
      }
      const maskOffset = offset;
      if (masked) offset += 4;
      if (buf.length < offset + len) return;
      const payload = Buffer.from(buf.subarray(offset, offset + len));
      if (masked) {
        for (let i = 0; i < len; i++) payload[i] ^= buf[maskOffset + (i & 3)];
      }
      this.pending = buf.subarray(offset + len);
      // Fragmented messages are not used by ccxt's small JSON requests; treat each frame alone.
      if (opcode === 0x1 || opcode === 0x0) this.onText(payload.toString("utf8"));
      else if (opcode === 0x9) this.writeFrame(0xa, payload);
      else if (opcode === 0x8) {
        if (!this.closed) {
          this.writeFrame(0x8, payload.subarray(0, 2));
          this.socket.end();
        }
        this.markClosed();
        return;
      }
    }
  }
}

/** Completes the opening handshake for an "upgrade" request; null when the request is not a websocket one. */
export function acceptUpgrade(req: IncomingMessage, socket: Duplex): WsConnection | null {
  const key = req.headers["sec-websocket-key"];
  if (typeof key !== "string" || (req.headers.upgrade ?? "").toLowerCase() !== "websocket") {
    socket.end("HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n");
    return null;
  }
  const accept = createHash("sha1").update(key + GUID).digest("base64");
  socket.write(
    "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n" +
      `Sec-WebSocket-Accept: ${accept}\r\n\r\n`,
  );
  return new WsConnection(socket, req.url ?? "/");
}
