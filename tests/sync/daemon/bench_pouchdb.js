// bench_pouchdb.js: the generic JavaScript stack issue 13 compares with,
// on the same work as bench_visits.py: VISITS whole visits (five records
// each) in a tablet's local PouchDB, replicated once to an express-pouchdb
// server on loopback and back (the tablet's "sync once"). LevelDB on both
// sides as PouchDB ships (POUCH_ADAPTER=memory: in memory, its best case).
// Prints one JSON line: made_ms, push_ms, sync_ms (push and pull), docs,
// bytes (both ways, HTTP headers included).
//
// Copyright 2026 The Carelog developers
// SPDX-License-Identifier: GPL-3.0-or-later
//
// Run by bench_visits.py when CARELOG_POUCHDB_DIR names a folder where
//   npm install pouchdb@9 express@4 express-pouchdb@4 pouchdb-adapter-memory@9
// was run (the npm registry is the only source; nothing is installed by the
// project's CI).
const PouchDB = require('pouchdb');
const express = require('express');
const os = require('os'), fs = require('fs'), path = require('path'), http = require('http');
const visits = parseInt(process.env.VISITS || '10000');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'pouch-bench-'));
const memory = process.env.POUCH_ADAPTER === 'memory';
if (memory) PouchDB.plugin(require('pouchdb-adapter-memory'));
const ServerDB = memory ? PouchDB.defaults({adapter: 'memory'}) : PouchDB.defaults({prefix: path.join(tmp, 'server-')});
const app = express();
app.use('/', require('express-pouchdb')(ServerDB, {logPath: path.join(tmp, 'log.txt'), mode: 'minimumForPouchDB'}));
const sockets = new Set();
const server = http.createServer(app);
server.on('connection', (s) => sockets.add(s));
function wireBytes() { let n = 0; for (const s of sockets) n += s.bytesRead + s.bytesWritten; return n; }
server.listen(0, '127.0.0.1', async () => {
  const port = server.address().port;
  const local = memory ? new PouchDB('tablet', {adapter: 'memory'}) : new PouchDB(path.join(tmp, 'tablet'));
  const t0 = Date.now();
  let docs = [];
  for (let v = 0; v < visits; v++) {
    const at = 1764900000000 + v * 3600000, id = 'v-' + v;
    docs.push({_id: id + ':start', type: 'visit.started', visit: id, client: 'c-1', service: 'personal-care', at});
    docs.push({_id: id + ':t1', type: 'task.answered', visit: id, task: 't-med', done: true});
    docs.push({_id: id + ':t2', type: 'task.answered', visit: id, task: 't-lunch', done: true});
    docs.push({_id: id + ':n', type: 'note.added', visit: id, note: 'n-' + v, category: 'wellbeing', text: 'Cheerful, ate well and talked about the garden.'});
    docs.push({_id: id + ':end', type: 'visit.finished', visit: id, at: at + 1800000});
    if (docs.length >= 1000) { await local.bulkDocs(docs); docs = []; }
  }
  if (docs.length) await local.bulkDocs(docs);
  const made = Date.now() - t0;
  await new Promise((r) => setTimeout(r, 200));
  const b0 = wireBytes();
  const t1 = Date.now();
  const batch = parseInt(process.env.BATCH || '1000');
  await local.replicate.to('http://127.0.0.1:' + port + '/coop', {batch_size: batch, batches_limit: 2});
  const up = Date.now() - t1;
  await local.replicate.from('http://127.0.0.1:' + port + '/coop', {batch_size: batch});
  const ms = Date.now() - t1;
  const bytes = wireBytes() - b0;
  const remote = new PouchDB('http://127.0.0.1:' + port + '/coop');
  const info = await remote.info();
  console.log(JSON.stringify({made_ms: made, push_ms: up, sync_ms: ms, docs: info.doc_count, bytes: bytes}));
  server.close();
  fs.rmSync(tmp, {recursive: true, force: true});
  process.exit(info.doc_count === visits * 5 ? 0 : 1);
});
