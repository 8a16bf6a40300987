// A worker-group worker in Node.js, written with @grpc/grpc-js and @grpc/proto-loader against our
// protos (proto/), behaving like the published TypeScript client (pylon-gateway-typescript
// simpleClient.ts, pylon-api-contract.md §3):
//   - opens GatewayWorkerGroup/WorkerStream and writes identify_request first (auth token, group,
//     consumer id, last_sequence = the last sequence it received, "0" at first);
//   - answers every heartbeat_request with heartbeat_ack{nonce, sequence = last received};
//   - on stream_closed or an ended/failed call, reconnects after a delay (TS: 5 s) unless
//     draining, with last_sequence;
//   - on SIGTERM sends drain_request{sequence = last received} and waits for the call to end.
//
//   node worker_client.mjs --server HOST:PORT --group G --token-file F [--consumer-id ID]
//                          [--reconnect-ms 5000] [--events A,B]
//
// Run by worker_conformance.mjs with an IPC channel (child_process.fork): it reports progress
// and a final summary there. Commands it accepts over IPC: {cmd: 'drop'} cancels the current
// call, as a broken connection would end it (the worker then reconnects like after any error).

import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import grpc from '@grpc/grpc-js';
import protoLoader from '@grpc/proto-loader';

const here = dirname(fileURLToPath(import.meta.url));
const protoDir = join(here, '..', '..', 'proto');

function arg(name, fallback) {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && i + 1 < process.argv.length ? process.argv[i + 1] : fallback;
}

const server = arg('server', 'localhost:4021');
const group = arg('group', 'test');
const tokenFile = arg('token-file');
const consumerId = arg('consumer-id', 'worker-1');
const reconnectMs = Number(arg('reconnect-ms', '5000'));
const eventTypes = (arg('events', '') || '').split(',').filter((e) => e);
const authToken = tokenFile ? readFileSync(tokenFile, 'utf8').trim() : 'noauth';

const definition = protoLoader.loadSync('gateway/v1/workergroup_service.proto', {
  includeDirs: [protoDir],
  longs: String,
  enums: String,
  defaults: true,
  oneofs: true,
});
const loaded = grpc.loadPackageDefinition(definition);
const GatewayWorkerGroup = loaded.pylon.gateway.v1.service.GatewayWorkerGroup;
const client = new GatewayWorkerGroup(server, grpc.credentials.createInsecure());

const report = (message) => {
  if (process.send) process.send(message);
};

const state = {
  lastSequence: '0',
  draining: false,
  streams: 0,
  identified: 0,
  seqs: [],          // every sequence received, in order, over all streams
  outOfOrder: 0,     // a sequence not above the previous one on the same stream
  closes: [],        // stream_closed reasons
  statuses: [],      // how each call ended: gRPC status code names
  eventsAfterDrainComplete: 0,
  eventsWithoutData: 0,
};
let current = null;
let reconnectTimer = null;

function connect() {
  reconnectTimer = null;
  const metadata = new grpc.Metadata();
  for (const type of eventTypes) metadata.add('x-pylon-event-types', type);
  const call = client.workerStream(metadata);
  current = call;
  state.streams++;
  let streamLast = -1n;
  let drainComplete = false;
  let ended = false;
  call.write({
    identifyRequest: {
      authToken,
      consumerGroup: group,
      consumerId,
      lastSequence: state.lastSequence,
    },
  });
  call.on('data', (message) => {
    switch (message.payload) {
      case 'identifyResponse':
        state.identified++;
        report({ type: 'identified', ticket: message.identifyResponse.routerTicket });
        break;
      case 'eventEnvelope': {
        const envelope = message.eventEnvelope;
        const seq = BigInt(envelope.header.seq);
        if (seq <= streamLast) state.outOfOrder++;
        streamLast = seq;
        if (drainComplete) state.eventsAfterDrainComplete++;
        if (!envelope.eventData) state.eventsWithoutData++;
        state.lastSequence = envelope.header.seq;
        state.seqs.push(Number(seq));
        break;
      }
      case 'heartbeatRequest':
        call.write({
          heartbeatAck: { nonce: message.heartbeatRequest.nonce, sequence: state.lastSequence },
        });
        break;
      case 'streamClosed':
        state.closes.push(message.streamClosed.reason);
        if (message.streamClosed.reason === 'DRAIN_COMPLETE') drainComplete = true;
        if (!state.draining) {
          // TS: log, destroy the stream, reconnect in 5 s.
          call.cancel();
        }
        break;
      default:
        break;
    }
  });
  call.on('error', () => {});  // the status event says how it ended
  call.on('status', (status) => {
    if (ended) return;
    ended = true;
    state.statuses.push(grpc.status[status.code]);
    if (current === call) current = null;
    if (state.draining) {
      finish(drainComplete && status.code === grpc.status.OK ? 0 : 1);
    } else if (!reconnectTimer) {
      reconnectTimer = setTimeout(connect, reconnectMs);
    }
  });
}

function summary() {
  return {
    type: 'summary',
    streams: state.streams,
    identified: state.identified,
    seqs: state.seqs,
    outOfOrder: state.outOfOrder,
    closes: state.closes,
    statuses: state.statuses,
    eventsAfterDrainComplete: state.eventsAfterDrainComplete,
    eventsWithoutData: state.eventsWithoutData,
    lastSequence: state.lastSequence,
  };
}

function finish(code) {
  report(summary());
  client.close();
  // Give the IPC message time to leave.
  setTimeout(() => process.exit(code), 100);
}

process.on('SIGTERM', () => {
  if (state.draining) return;
  state.draining = true;
  if (reconnectTimer) {
    clearTimeout(reconnectTimer);
    reconnectTimer = null;
  }
  if (current) {
    current.write({ drainRequest: { sequence: state.lastSequence } });
  } else {
    finish(1);  // nothing to drain: not connected
  }
  setTimeout(() => finish(1), 30000).unref();  // TS: a 30 s hard exit
});

process.on('message', (message) => {
  if (message && message.cmd === 'drop' && current) current.cancel();
});

setInterval(() => {
  report({ type: 'progress', count: state.seqs.length, last: state.lastSequence,
           connected: current !== null });
}, 100);

connect();
