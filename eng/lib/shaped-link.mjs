// A network link with a CI runner's bandwidth and latency, on 127.0.0.1, for the benchmarks: on
// this machine NuGet's feed and the cache store are both a loopback hop away, which no CI runner
// has. Every byte through it, either way, waits the one-way latency and then its turn in that
// direction's bandwidth (one budget per direction, shared by every connection, as one network card).
// It serves two kinds of listener, both through the same link:
//   --connect PORT           an HTTP CONNECT proxy (HTTPS_PROXY=http://127.0.0.1:PORT): NuGet's feed
//   --forward PORT=HOST:PORT a plain TCP forwarder: the cache store (Azurite) behind it
// usage: node eng/lib/shaped-link.mjs --rate MBps --latency-ms N [--connect PORT] [--forward PORT=HOST:PORT]...
// Prints one line "listening" when every listener is up; counts bytes per direction on SIGTERM.
import net from "node:net";

const args = process.argv.slice(2);
let rate = 60, latencyMs = 10, connectPort = null;
const forwards = [];
for (let i = 0; i < args.length; i++) {
  const value = args[++i];
  switch (args[i - 1]) {
    case "--rate": rate = Number(value); break;
    case "--latency-ms": latencyMs = Number(value); break;
    case "--connect": connectPort = Number(value); break;
    case "--forward": {
      const [port, target] = value.split("=");
      const [host, targetPort] = target.split(":");
      forwards.push({ port: Number(port), host, targetPort: Number(targetPort) });
      break;
    }
    default: console.error(`unknown option ${args[i - 1]}`); process.exit(2);
  }
}
if (!(rate > 0) || !(latencyMs >= 0)) { console.error("--rate must be > 0 and --latency-ms >= 0"); process.exit(2); }

// One direction of the link: chunks leave in order, each no earlier than its arrival plus the
// latency, and no faster than the rate allows (bytes are paid for when a chunk leaves).
class Direction {
  constructor(bytesPerSecond) {
    this.bytesPerSecond = bytesPerSecond;
    this.queue = [];
    this.freeAt = 0; // when the link has finished sending what it sent already (ms)
    this.timer = null;
    this.bytes = 0;
  }
  send(socket, chunk, source) {
    this.queue.push({ socket, chunk, due: performance.now() + latencyMs, source });
    this.bytes += chunk.length;
    // Back-pressure: a connection whose bytes wait in the link stops reading until they leave.
    source.shaped = (source.shaped ?? 0) + chunk.length;
    if (source.shaped > 1 << 20) source.pause();
    this.pump();
  }
  pump() {
    if (this.timer) return;
    const now = performance.now();
    while (this.queue.length > 0) {
      const head = this.queue[0];
      const start = Math.max(head.due, this.freeAt, now - 5);
      if (start > now) { this.timer = setTimeout(() => { this.timer = null; this.pump(); }, Math.max(1, start - now)); return; }
      this.queue.shift();
      this.freeAt = start + (head.chunk.length * 1000) / this.bytesPerSecond;
      if (!head.socket.destroyed) head.socket.write(head.chunk);
      head.source.shaped -= head.chunk.length;
      if (head.source.shaped <= 1 << 19 && head.source.isPaused()) head.source.resume();
    }
  }
}

const down = new Direction(rate * 1e6); // from the far side to this machine
const up = new Direction(rate * 1e6);

// Joins a local client and a remote socket through the link; `early` is what the client sent
// before the remote side was connected.
function join(client, remote, early) {
  if (early?.length) up.send(remote, early, client);
  client.on("data", (chunk) => up.send(remote, chunk, client));
  remote.on("data", (chunk) => down.send(client, chunk, remote));
  const end = () => { client.destroy(); remote.destroy(); };
  for (const s of [client, remote]) { s.on("error", end); s.on("close", end); }
}

function connectProxy(client) {
  let head = Buffer.alloc(0);
  const onData = (chunk) => {
    head = Buffer.concat([head, chunk]);
    const endOfHeaders = head.indexOf("\r\n\r\n");
    if (endOfHeaders < 0) { if (head.length > 16384) client.destroy(); return; }
    client.off("data", onData);
    client.pause();
    const match = /^CONNECT ([^\s:]+):(\d+) HTTP\/1\.[01]\r\n/.exec(head.toString("latin1", 0, endOfHeaders + 2));
    if (!match) { client.end("HTTP/1.1 405 Method Not Allowed\r\n\r\n"); return; }
    const rest = head.subarray(endOfHeaders + 4);
    const remote = net.connect(Number(match[2]), match[1], () => {
      // The proxy's answer crosses the link too: the client's first round trip pays the latency.
      down.send(client, Buffer.from("HTTP/1.1 200 Connection Established\r\n\r\n"), remote);
      join(client, remote, rest);
      client.resume();
    });
    remote.on("error", () => { if (!client.destroyed) client.end("HTTP/1.1 502 Bad Gateway\r\n\r\n"); });
  };
  client.on("data", onData);
  client.on("error", () => client.destroy());
}

const servers = [];
if (connectPort !== null) servers.push(net.createServer(connectProxy).listen(connectPort, "127.0.0.1"));
for (const f of forwards) {
  servers.push(net.createServer((client) => {
    client.pause();
    const remote = net.connect(f.targetPort, f.host, () => { join(client, remote); client.resume(); });
    remote.on("error", () => client.destroy());
  }).listen(f.port, "127.0.0.1"));
}
await Promise.all(servers.map((s) => new Promise((resolve, reject) => { s.on("listening", resolve); s.on("error", reject); })));
console.log(`listening (rate ${rate} MB/s each way, latency ${latencyMs} ms one way)`);
process.on("SIGTERM", () => {
  console.log(`bytes: down ${down.bytes}, up ${up.bytes}`);
  process.exit(0);
});
