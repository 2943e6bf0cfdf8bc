// A local stand-in for Binance spot, close enough to the real wire format that ccxt's own binance
// parser (REST and pro websocket) reads it: /api/v3/exchangeInfo, /api/v3/depth, /api/v3/aggTrades,
// /api/v3/klines, and websocket streams <symbol>@trade and <symbol>@depth@100ms with the diff-depth
// sync protocol (U/u update ids against the REST snapshot's lastUpdateId). Tests drive it: push
// trades and depth diffs, drop connections, send malformed frames; it records what it sent.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { Duplex } from "node:stream";
import { acceptUpgrade, type WsConnection } from "./ws_server.ts";

export interface FakeMarket {
  id: string; // "BTCUSDT"
  base: string;
  quote: string;
}

export interface FakeAggTrade {
  id: number;
  timeMs: number;
  price: string;
  qty: string;
  buyerIsMaker: boolean;
}

export interface FakeKline {
  openTimeMs: number;
  open: string;
  high: string;
  low: string;
  close: string;
  volume: string;
}

type Level = [string, string];

interface BookState {
  lastUpdateId: number;
  bids: Map<string, string>;
  asks: Map<string, string>;
}

export interface FakeExchangeOptions {
  markets?: FakeMarket[];
  /** Historical trades served by /api/v3/aggTrades, per market id, ascending by time. */
  aggTrades?: Record<string, FakeAggTrade[]>;
  /** Bars served by /api/v3/klines, per market id, ascending by open time (interval ignored). */
  klines?: Record<string, FakeKline[]>;
  /** /api/v3/depth refuses a larger `limit` with Binance's -1100 error (default: no limit). */
  maxDepthLimit?: number;
}

export class FakeExchange {
  readonly markets: FakeMarket[];
  readonly aggTrades: Record<string, FakeAggTrade[]>;
  readonly klines: Record<string, FakeKline[]>;
  /** Every REST request served, as "path?query", in order. */
  readonly restLog: string[] = [];
  /** Stream names subscribed so far (one entry per SUBSCRIBE param, repeats after reconnects). */
  readonly subscriptions: string[] = [];
  private readonly server: Server;
  private readonly connections = new Set<WsConnection>();
  private readonly streamsByConnection = new Map<WsConnection, Set<string>>();
  private readonly books = new Map<string, BookState>();
  private readonly maxDepthLimit: number;
  private nextTradeId = 1000;
  private port = 0;

  constructor(options: FakeExchangeOptions = {}) {
    this.markets = options.markets ?? [
      { id: "BTCUSDT", base: "BTC", quote: "USDT" },
      { id: "ETHUSDT", base: "ETH", quote: "USDT" },
    ];
    this.aggTrades = options.aggTrades ?? {};
    this.klines = options.klines ?? {};
    this.maxDepthLimit = options.maxDepthLimit ?? Infinity;
    for (const m of this.markets) {
      this.books.set(m.id, { lastUpdateId: 100, bids: new Map(), asks: new Map() });
    }
    this.server = createServer((req, res) => this.handleRest(req, res));
    this.server.on("upgrade", (req: IncomingMessage, socket: Duplex) => this.handleUpgrade(req, socket));
  }

  async start(): Promise<void> {
    await new Promise<void>((resolve) => this.server.listen(0, "127.0.0.1", () => resolve()));
    this.port = (this.server.address() as AddressInfo).port;
  }

  async stop(): Promise<void> {
    for (const c of this.connections) c.drop();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  get restUrl(): string {
    return `http://127.0.0.1:${this.port}/api/v3`;
  }

  /** Contains "/stream" because ccxt's binance decides spot-vs-futures from the websocket url. */
  get wsUrl(): string {
    return `ws://127.0.0.1:${this.port}/stream/ws`;
  }

  /** ccxt constructor options that point ccxt.pro.binance at this server, spot markets only. */
  ccxtConfig(): Record<string, unknown> {
    return {
      urls: {
        api: {
          public: this.restUrl,
          ws: { spot: this.wsUrl, margin: this.wsUrl },
        },
      },
      options: { fetchMarkets: { types: ["spot"] }, fetchCurrencies: false },
    };
  }

  /** Seeds a market's book (what the REST snapshot returns) without sending anything. */
  setBook(marketId: string, bids: Level[], asks: Level[], lastUpdateId = 100): void {
    const book = this.book(marketId);
    book.lastUpdateId = lastUpdateId;
    book.bids = new Map(bids);
    book.asks = new Map(asks);
  }

  /** Number of open websocket connections subscribed to a stream. */
  subscriberCount(stream: string): number {
    let n = 0;
    for (const [conn, streams] of this.streamsByConnection) if (!conn.closed && streams.has(stream)) n++;
    return n;
  }

  /** Resolves once `stream` has at least `n` open subscribers (polls; tests bound the wait). */
  async waitForSubscriber(stream: string, n = 1, timeoutMs = 5000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (this.subscriberCount(stream) < n) {
      if (Date.now() > deadline) throw new Error(`no subscriber for ${stream} within ${timeoutMs} ms`);
      await new Promise((r) => setTimeout(r, 10));
    }
  }

  /** Sends one trade on <symbol>@trade; returns the exact fields sent. */
  sendTrade(
    marketId: string,
    trade: { price: string; qty: string; buyerIsMaker: boolean; timeMs: number; id?: number },
  ): FakeAggTrade {
    const id = trade.id ?? this.nextTradeId++;
    const msg = {
      e: "trade",
      E: trade.timeMs + 1,
      s: marketId,
      t: id,
      p: trade.price,
      q: trade.qty,
      T: trade.timeMs,
      m: trade.buyerIsMaker,
      M: true,
    };
    this.broadcast(`${marketId.toLowerCase()}@trade`, JSON.stringify(msg));
    return { id, timeMs: trade.timeMs, price: trade.price, qty: trade.qty, buyerIsMaker: trade.buyerIsMaker };
  }

  /** Applies a diff to the book and sends it on <symbol>@depth@100ms with the next update ids. */
  sendDepth(marketId: string, diff: { bids: Level[]; asks: Level[]; timeMs: number }): { U: number; u: number } {
    const book = this.book(marketId);
    const U = book.lastUpdateId + 1;
    const u = U + diff.bids.length + diff.asks.length - 1;
    for (const [p, q] of diff.bids) Number(q) === 0 ? book.bids.delete(p) : book.bids.set(p, q);
    for (const [p, q] of diff.asks) Number(q) === 0 ? book.asks.delete(p) : book.asks.set(p, q);
    book.lastUpdateId = u;
    const msg = { e: "depthUpdate", E: diff.timeMs, s: marketId, U, u, b: diff.bids, a: diff.asks };
    this.broadcast(`${marketId.toLowerCase()}@depth@100ms`, JSON.stringify(msg));
    return { U, u };
  }

  /** Sends raw text to every open connection (malformed-message tests). */
  sendRaw(text: string): void {
    for (const c of this.connections) c.sendText(text);
  }

  /** Cuts every websocket connection without a close frame; returns how many were cut. */
  dropConnections(): number {
    let n = 0;
    for (const c of [...this.connections]) {
      if (!c.closed) n++;
      c.drop();
    }
    return n;
  }

  restCount(path: string): number {
    return this.restLog.filter((l) => l.startsWith(path)).length;
  }

  /** The current book, bids descending and asks ascending, as the REST snapshot returns it. */
  bookLevels(marketId: string): { bids: Level[]; asks: Level[]; lastUpdateId: number } {
    const book = this.book(marketId);
    const bids = [...book.bids].sort((a, b) => Number(b[0]) - Number(a[0]));
    const asks = [...book.asks].sort((a, b) => Number(a[0]) - Number(b[0]));
    return { bids, asks, lastUpdateId: book.lastUpdateId };
  }

  private book(marketId: string): BookState {
    const book = this.books.get(marketId);
    if (!book) throw new Error(`fake exchange has no market ${marketId}`);
    return book;
  }

  private broadcast(stream: string, text: string): void {
    for (const [conn, streams] of this.streamsByConnection) {
      if (!conn.closed && streams.has(stream)) conn.sendText(text);
    }
  }

  private handleUpgrade(req: IncomingMessage, socket: Duplex): void {
    const conn = acceptUpgrade(req, socket);
    if (!conn) return;
    this.connections.add(conn);
    const streams = new Set<string>();
    this.streamsByConnection.set(conn, streams);
    conn.onClose = () => {
      this.connections.delete(conn);
      this.streamsByConnection.delete(conn);
    };
    conn.onText = (text) => {
      let req: { method?: string; params?: string[]; id?: number };
      try {
        req = JSON.parse(text);
      } catch {
        conn.sendText(JSON.stringify({ error: { code: 2, msg: "Invalid JSON" } }));
        return;
      }
      if (req.method === "SUBSCRIBE" || req.method === "UNSUBSCRIBE") {
        for (const p of req.params ?? []) {
          if (req.method === "SUBSCRIBE") {
            streams.add(p);
            this.subscriptions.push(p);
          } else streams.delete(p);
        }
        conn.sendText(JSON.stringify({ result: null, id: req.id }));
      }
    };
  }

  private handleRest(req: IncomingMessage, res: ServerResponse): void {
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    this.restLog.push(url.pathname + url.search);
    const q = url.searchParams;
    const send = (status: number, body: unknown) => {
      res.writeHead(status, { "content-type": "application/json" });
      res.end(JSON.stringify(body));
    };
    switch (url.pathname) {
      case "/api/v3/exchangeInfo":
        return send(200, this.exchangeInfo());
      case "/api/v3/depth": {
        const symbol = q.get("symbol") ?? "";
        if (!this.books.has(symbol)) return send(400, { code: -1121, msg: "Invalid symbol." });
        const { bids, asks, lastUpdateId } = this.bookLevels(symbol);
        const limit = Number(q.get("limit") ?? 100);
        if (limit > this.maxDepthLimit) {
          return send(400, {
            code: -1100,
            msg: "Illegal characters found in parameter 'limit'; limit is too large.",
          });
        }
        return send(200, { lastUpdateId, bids: bids.slice(0, limit), asks: asks.slice(0, limit) });
      }
      case "/api/v3/aggTrades": {
        const symbol = q.get("symbol") ?? "";
        const all = this.aggTrades[symbol] ?? [];
        const start = q.has("startTime") ? Number(q.get("startTime")) : -Infinity;
        const end = q.has("endTime") ? Number(q.get("endTime")) : Infinity;
        const fromId = q.has("fromId") ? Number(q.get("fromId")) : -Infinity;
        const limit = Math.min(Number(q.get("limit") ?? 500), 1000);
        const rows = all.filter((t) => t.timeMs >= start && t.timeMs <= end && t.id >= fromId).slice(0, limit);
        return send(
          200,
          rows.map((t) => ({
            a: t.id,
            p: t.price,
            q: t.qty,
            f: t.id,
            l: t.id,
            T: t.timeMs,
            m: t.buyerIsMaker,
            M: true,
          })),
        );
      }
      case "/api/v3/klines": {
        const symbol = q.get("symbol") ?? "";
        const all = this.klines[symbol] ?? [];
        const start = q.has("startTime") ? Number(q.get("startTime")) : -Infinity;
        const end = q.has("endTime") ? Number(q.get("endTime")) : Infinity;
        const limit = Math.min(Number(q.get("limit") ?? 500), 1000);
        const rows = all.filter((k) => k.openTimeMs >= start && k.openTimeMs <= end).slice(0, limit);
        return send(
          200,
          rows.map((k) => [
            k.openTimeMs,
            k.open,
            k.high,
            k.low,
            k.close,
            k.volume,
            k.openTimeMs + 59_999,
            "0",
            1,
            "0",
            "0",
            "0",
          ]),
        );
      }
      default:
        return send(404, { code: -1, msg: `fake exchange: no route ${url.pathname}` });
    }
  }

  private exchangeInfo(): unknown {
    return {
      timezone: "UTC",
      serverTime: Date.now(),
      rateLimits: [],
      exchangeFilters: [],
      symbols: this.markets.map((m) => ({
        symbol: m.id,
        status: "TRADING",
        baseAsset: m.base,
        baseAssetPrecision: 8,
        quoteAsset: m.quote,
        quotePrecision: 8,
        quoteAssetPrecision: 8,
        baseCommissionPrecision: 8,
        quoteCommissionPrecision: 8,
        orderTypes: ["LIMIT", "MARKET"],
        icebergAllowed: true,
        ocoAllowed: true,
        quoteOrderQtyMarketAllowed: true,
        allowTrailingStop: true,
        cancelReplaceAllowed: true,
        isSpotTradingAllowed: true,
        isMarginTradingAllowed: false,
        filters: [
          { filterType: "PRICE_FILTER", minPrice: "0.01000000", maxPrice: "1000000.00000000", tickSize: "0.01000000" },
          { filterType: "LOT_SIZE", minQty: "0.00001000", maxQty: "9000.00000000", stepSize: "0.00001000" },
        ],
        permissions: [],
        permissionSets: [["SPOT"]],
        defaultSelfTradePreventionMode: "EXPIRE_MAKER",
        allowedSelfTradePreventionModes: ["EXPIRE_TAKER", "EXPIRE_MAKER", "EXPIRE_BOTH"],
      })),
    };
  }
}
