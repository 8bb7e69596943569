'use strict';
// The app's backend over the HTTP API (EVENTS.md "HTTP API for the app's backend") and what the
// socket.io-clients see of it: a password-protected meeting created with POST /api/meetings and
// joined (refused without / with a wrong password), GET listing the participants, 409 for an id
// that exists; kick and end over HTTP; group membership over HTTP driving who a group call rings
// (a removed user's sockets are not rung); presence; CORS for polling and the API.
// Node settings: no API key (the API is open), meeting auto-creation OFF.
// Against a cluster (SB_URLS), successive API calls go to successive nodes: the socket.io-clients
// that see their effect are mostly on other nodes.

const crypto = require('node:crypto');
const { Scenario, assert, assertOkAck, apiBase } = require('../lib/harness');
const { participantView, joinedView, assertMeetingJoined, assertNoSecret, joinAck, joinAll, assertLeft } = require('../lib/meetings');
const { register, groupCallData, assertIncoming } = require('../lib/calls');

const sc = new Scenario('http-api');

async function api(method, path, body, headers = {}) {
  const res = await fetch(`${apiBase()}${path}`, {
    method,
    headers: body === undefined ? headers : { 'content-type': 'application/json', ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(5000),
  });
  const text = await res.text();
  let json = null;
  try {
    json = text ? JSON.parse(text) : null;
  } catch (e) {
    throw new Error(`${method} ${path}: not JSON (${res.status}): ${text.slice(0, 200)}`);
  }
  return { status: res.status, json, headers: res.headers };
}

sc.check('created_over_http_with_password_then_joined', async (t) => {
  const id = crypto.randomUUID();
  const creator = t.id('host');
  const password = 'p4ss wörd';
  const created = await api('POST', '/api/meetings', { id, meeting_name: 'Board meeting', creator_id: creator, password, max_participants: 3 });
  assert.equal(created.status, 201, `POST /api/meetings: ${JSON.stringify(created.json)}`);
  const m = created.json;
  assert.equal(m.id, id);
  assert.equal(m.meeting_name, 'Board meeting');
  assert.equal(m.meeting_status, 'live');
  assert.equal(m.creator_id, creator);
  assert.equal(m.max_participants, 3);
  assert.equal(typeof m.created_at, 'string');
  assertNoSecret(m);

  const [guest, host, mallory] = await t.clientsOf([['guest', 'polling'], ['host', 'websocket'], ['mallory', 'upgrade']]);
  const base = { meetingId: id, userId: t.id('mallory'), userName: 'Mallory' };
  await t.refused(mallory, 'join-meeting', [base], 'bad_password', 'Invalid meeting password');
  await t.refused(mallory, 'join-meeting', [{ ...base, meeting_password: 'wrong' }], 'bad_password', 'Invalid meeting password');

  const jg = await joinAck(guest, id, t.id('guest'), 'Guest', { meeting_password: password });
  assertMeetingJoined(jg, { meetingId: id, creatorId: creator, name: 'Board meeting', participants: [] });
  const jh = await joinAck(host, id, creator, 'Host', { meeting_password: password });
  assertMeetingJoined(jh, { meetingId: id, creatorId: creator, name: 'Board meeting', participants: [participantView(guest, jg.participantId, t.id('guest'), 'Guest')] });
  assert.deepEqual(await guest.next('participant-joined'), joinedView(host, jh.participantId, creator, 'Host', true));
  await t.quiet([guest, host, mallory]);

  const got = await api('GET', `/api/meetings/${encodeURIComponent(id)}`);
  assert.equal(got.status, 200);
  assertNoSecret(got.json);
  assert.equal(got.json.id, id);
  assert.ok(Array.isArray(got.json.participants), 'participants listed');
  assert.deepEqual(got.json.participants.map((p) => p.participantId).sort(), [jg.participantId, jh.participantId].sort());

  const again = await api('POST', '/api/meetings', { id, meeting_name: 'Duplicate', creator_id: creator });
  assert.equal(again.status, 409, 'an id that exists: 409');
  assert.equal(typeof again.json.error.code, 'string');
  const missing = await api('POST', '/api/meetings', { creator_id: creator });
  assert.equal(missing.status, 400, 'meeting_name is required: 400');
});

sc.check('kick_and_end_over_http', async (t) => {
  const id = crypto.randomUUID();
  const creator = t.id('host');
  assert.equal((await api('POST', '/api/meetings', { id, meeting_name: 'Standup', creator_id: creator })).status, 201);
  const [a, b, c] = await t.clientsOf([['ann', 'websocket'], ['ben', 'polling'], ['cat', 'upgrade']]);
  const [, , jc] = await joinAll(id, [[a, t.id('ann'), 'Ann'], [b, t.id('ben'), 'Ben'], [c, t.id('cat'), 'Cat']]);

  const kicked = await api('DELETE', `/api/meetings/${encodeURIComponent(id)}/participants/${encodeURIComponent(jc.participantId)}`);
  assert.equal(kicked.status, 200, `DELETE participant: ${JSON.stringify(kicked.json)}`);
  assert.deepEqual(await c.next('kicked'), { meetingId: id });
  for (const x of [a, b]) {
    assertLeft(await x.next('participant-left'), { participantId: jc.participantId, userName: 'Cat', reason: 'kicked', userId: t.id('cat'), socketId: c.id });
  }
  await t.quiet([a, b, c]);
  const again = await api('DELETE', `/api/meetings/${encodeURIComponent(id)}/participants/${encodeURIComponent(jc.participantId)}`);
  assert.equal(again.status, 404, 'kicking a participant that is gone: 404');
  assert.equal(typeof again.json.error.code, 'string');
  assert.equal(typeof again.json.error.message, 'string');

  const ended = await api('POST', `/api/meetings/${encodeURIComponent(id)}/end`);
  assert.equal(ended.status, 200, `POST end: ${JSON.stringify(ended.json)}`);
  for (const x of [a, b]) assert.deepEqual(await x.next('meeting-ended'), { meetingId: id });
  await t.quiet([a, b, c]);
  await t.refused(c, 'join-meeting', [{ meetingId: id, userId: t.id('cat'), userName: 'Cat' }], 'meeting_ended', 'Meeting has ended');
  const after = await api('GET', `/api/meetings/${encodeURIComponent(id)}`);
  assert.equal(after.json.meeting_status, 'ended');
  assert.equal((await api('GET', `/api/meetings/${encodeURIComponent(crypto.randomUUID())}`)).status, 404);
});

sc.check('group_membership_over_http_decides_who_rings', async (t) => {
  const [a1, b1, b2, c1, d1] = await t.clientsOf([['alice', 'websocket'], ['bob1', 'polling'], ['bob2', 'upgrade'], ['carol', 'websocket'], ['dave', 'polling']]);
  await register(a1, t.id('alice'));
  await register(b1, t.id('bob'), 'user-connected');
  await register(b2, t.id('bob'), 'joinVideoRoom');
  await register(c1, t.id('carol'));
  await register(d1, t.id('dave'));
  const g = t.id('group');
  const put = await api('PUT', `/api/groups/${g}/members`, { memberIds: [t.id('alice'), t.id('bob'), t.id('carol')] });
  assert.equal(put.status, 200, `PUT members: ${JSON.stringify(put.json)}`);
  const groups = await api('GET', `/api/users/${t.id('bob')}/groups`);
  assert.equal(groups.status, 200);
  assert.deepEqual(groups.json, { groups: [g] });

  // Online members' sockets joined the group room: a group call rings them (not the caller).
  const call1 = groupCallData(t, a1, g);
  a1.emit('initiateGroupVideoCall', call1);
  const in1 = await b1.next('incomingVideoCall');
  assertIncoming(in1, call1);
  for (const x of [b2, c1]) assert.deepEqual(await x.next('incomingVideoCall'), in1);
  await t.quiet([a1, b1, b2, c1, d1]);
  assertOkAck(await a1.ack('endVideoCall', in1));
  for (const x of [b1, b2, c1]) await x.next('videoCallEnded');

  // Carol removed over HTTP: her sockets leave the room and are not rung; Dave added: he is.
  const del = await api('DELETE', `/api/groups/${g}/members/${t.id('carol')}`);
  assert.equal(del.status, 200, `DELETE member: ${JSON.stringify(del.json)}`);
  const add = await api('POST', `/api/groups/${g}/members`, { userId: t.id('dave') });
  assert.equal(add.status, 200, `POST member: ${JSON.stringify(add.json)}`);
  const call2 = groupCallData(t, a1, g);
  a1.emit('initiateGroupVideoCall', call2);
  const in2 = await b1.next('incomingVideoCall');
  assertIncoming(in2, call2);
  for (const x of [b2, d1]) assert.deepEqual(await x.next('incomingVideoCall'), in2);
  await t.quiet([a1, b1, b2, c1, d1]);
  const gm = { groupId: g, text: 'who is here' };
  assertOkAck(await b1.ack('sendGroupMessage', gm));
  for (const x of [a1, b2, d1]) assert.deepEqual(await x.next('receiveGroupMessage'), gm);
  await t.quiet([a1, b1, b2, c1, d1]);
});

sc.check('presence_over_http', async (t) => {
  const [b1, b2] = await t.clientsOf([['bob1', 'websocket'], ['bob2', 'polling']]);
  await register(b1, t.id('bob'));
  await register(b2, t.id('bob'), 'user-connected');
  assert.deepEqual((await api('GET', `/api/users/${t.id('bob')}/presence`)).json, { online: true, sockets: 2 });
  b2.close();
  await b2.disconnected();
  let p;
  for (let i = 0; i < 50; i++) {
    p = (await api('GET', `/api/users/${t.id('bob')}/presence`)).json;
    if (p.sockets === 1) break;
    await new Promise((r) => setTimeout(r, 20));
  }
  assert.deepEqual(p, { online: true, sockets: 1 });
  assert.deepEqual((await api('GET', `/api/users/${t.id('nobody')}/presence`)).json, { online: false, sockets: 0 });
});

sc.check('cors_for_polling_and_api', async (t) => {
  const origin = 'http://app.example.test';
  const poll = await fetch(`${apiBase()}/socket.io/?EIO=4&transport=polling`, { headers: { origin }, signal: AbortSignal.timeout(5000) });
  await poll.text();
  assert.equal(poll.status, 200);
  assert.ok(['*', origin].includes(poll.headers.get('access-control-allow-origin')),
    `polling: access-control-allow-origin ${poll.headers.get('access-control-allow-origin')}`);
  const pre = await fetch(`${apiBase()}/api/meetings`, {
    method: 'OPTIONS',
    headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type' },
    signal: AbortSignal.timeout(5000),
  });
  await pre.text();
  assert.ok(pre.status >= 200 && pre.status < 300, `API preflight status ${pre.status}`);
  assert.ok(['*', origin].includes(pre.headers.get('access-control-allow-origin')),
    `API preflight: access-control-allow-origin ${pre.headers.get('access-control-allow-origin')}`);
});

sc.run();
