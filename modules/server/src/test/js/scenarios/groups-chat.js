'use strict';
// Groups and chat relay (seed 002; EVENTS.md "Groups", "Chat relay"): groupCreated makes online
// members' sockets join the group room and stores the membership (members registering later
// auto-join), joinGroup / leaveGroup, sendMessage to every socket of user `to`, sendGroupMessage
// to the group room minus the sender, payloads kept as sent.
// Node settings: defaults.

const { Scenario, assert, assertShape, assertOkAck } = require('../lib/harness');
const { register } = require('../lib/calls');

const sc = new Scenario('groups-chat');

sc.check('group_created_joins_online_members_sockets', async (t) => {
  const [a1, a2, b1, b2, c1, e1] = await t.clientsOf([
    ['alice1', 'websocket'], ['alice2', 'polling'], ['bob1', 'upgrade'], ['bob2', 'websocket'], ['carol1', 'polling'], ['eve1', 'websocket'],
  ]);
  await register(a1, t.id('alice'), 'userOnline');
  await register(a2, t.id('alice'), 'user-connected');
  await register(b1, t.id('bob'), 'joinVideoRoom');
  await register(b2, t.id('bob'), 'userOnline');
  await register(c1, t.id('carol'), 'userOnline');
  await register(e1, t.id('eve'), 'userOnline'); // not a member
  const groupId = t.id('group');
  const created = await a1.ack('groupCreated', { groupId, memberIds: [t.id('alice'), t.id('bob'), t.id('carol')] });
  assertShape(created, { ok: true, groupId }, {}, 'groupCreated ack');
  await t.quiet([a1, a2, b1, b2, c1, e1]); // groupCreated itself notifies nobody

  const msg = { groupId, senderId: t.id('carol'), text: 'hi all ✓', attachments: [{ kind: 'img', size: 12 }], sentAt: Date.now() };
  c1.emit('sendGroupMessage', msg);
  for (const x of [a1, a2, b1, b2]) assert.deepEqual(await x.next('receiveGroupMessage'), msg, `${x.name}: receiveGroupMessage`);
  await t.quiet([a1, a2, b1, b2, c1, e1]); // not the sender, not a non-member
});

sc.check('member_registering_later_auto_joins', async (t) => {
  const [a1] = await t.clientsOf([['alice', 'websocket']]);
  await register(a1, t.id('alice'));
  const groupId = t.id('group');
  assertOkAck(await a1.ack('groupCreated', { groupId, memberIds: [t.id('alice'), t.id('frank')] }));
  // Frank was offline when the group was created; his devices join its room on registration.
  const [f1, f2] = await t.clientsOf([['frank1', 'polling'], ['frank2', 'upgrade']]);
  await register(f1, t.id('frank'), 'userOnline');
  await register(f2, t.id('frank'), 'joinVideoRoom');
  const msg = { groupId, text: 'welcome frank' };
  assertOkAck(await a1.ack('sendGroupMessage', msg));
  for (const x of [f1, f2]) assert.deepEqual(await x.next('receiveGroupMessage'), msg);
  await t.quiet([a1, f1, f2]);
});

sc.check('join_group_and_leave_group', async (t) => {
  const [a1, x1, x2] = await t.clientsOf([['alice', 'websocket'], ['guest1', 'polling'], ['guest2', 'websocket']]);
  await register(a1, t.id('alice'));
  const groupId = t.id('group');
  assertShape(await x1.ack('joinGroup', groupId), { ok: true, groupId }, {}, 'joinGroup ack');
  assertShape(await x2.ack('joinGroup', groupId), { ok: true, groupId }, {}, 'joinGroup ack');
  const m1 = { groupId, text: 'one' };
  assertOkAck(await a1.ack('sendGroupMessage', m1));
  for (const x of [x1, x2]) assert.deepEqual(await x.next('receiveGroupMessage'), m1);
  await t.quiet([a1, x1, x2]);
  assertShape(await x2.ack('leaveGroup', groupId), { ok: true, groupId }, {}, 'leaveGroup ack');
  const m2 = { groupId, text: 'two' };
  x1.emit('sendGroupMessage', m2);
  await t.quiet([a1, x1, x2]); // x2 left, x1 is the sender, alice never joined
  a1.emit('joinGroup', groupId); // seed-style, no ack
  const m3 = { groupId, text: 'three' };
  await new Promise((r) => setTimeout(r, 100));
  assertOkAck(await x1.ack('sendGroupMessage', m3));
  assert.deepEqual(await a1.next('receiveGroupMessage'), m3);
  await t.quiet([a1, x1, x2]);
});

sc.check('send_message_to_every_socket_of_user', async (t) => {
  const [a1, a2, b1, b2, b3, c1] = await t.clientsOf([
    ['alice1', 'polling'], ['alice2', 'websocket'], ['bob1', 'websocket'], ['bob2', 'upgrade'], ['bob3', 'polling'], ['carol', 'websocket'],
  ]);
  await register(a1, t.id('alice'));
  await register(a2, t.id('alice'), 'user-connected');
  await register(b1, t.id('bob'), 'userOnline');
  await register(b2, t.id('bob'), 'user-connected');
  await register(b3, t.id('bob'), 'joinVideoRoom');
  await register(c1, t.id('carol'));
  const msg = { to: t.id('bob'), from: t.id('alice'), text: 'hey "bob" \\ ü 😀', nested: { a: [1, 2.5, -3, true, null], b: { c: '' } }, id: 42 };
  a1.emit('sendMessage', msg); // seed-style, no ack
  for (const x of [b1, b2, b3]) assert.deepEqual(await x.next('receiveMessage'), msg, `${x.name}: receiveMessage`);
  await t.quiet([a1, a2, b1, b2, b3, c1]);
  // To a user with no socket: nobody gets it, the sender is not refused.
  const nobody = { to: t.id('nobody'), text: 'anyone?' };
  assertOkAck(await a2.ack('sendMessage', nobody));
  await t.quiet([a1, a2, b1, b2, b3, c1]);
});

sc.check('binary_fields_relayed_intact', async (t) => {
  // "Chat relay keeps every field the sender sent": binary attachments included, to every transport.
  const [a1, b1, b2, b3] = await t.clientsOf([['alice', 'websocket'], ['bob1', 'polling'], ['bob2', 'websocket'], ['bob3', 'upgrade']]);
  await register(a1, t.id('alice'));
  for (const b of [b1, b2, b3]) await register(b, t.id('bob'));
  const file = Buffer.from([0, 1, 2, 250, 251, 252, 255]);
  const msg = { to: t.id('bob'), text: 'with a file', file, parts: [Buffer.from('x'), 'y'] };
  assertOkAck(await a1.ack('sendMessage', msg));
  for (const x of [b1, b2, b3]) {
    const got = await x.next('receiveMessage');
    assert.equal(got.to, msg.to);
    assert.equal(got.text, msg.text);
    assert.ok(Buffer.from(got.file).equals(file), `${x.name}: file bytes`);
    assert.ok(Buffer.from(got.parts[0]).equals(Buffer.from('x')) && got.parts[1] === 'y', `${x.name}: nested binary`);
  }
  await t.quiet([a1, b1, b2, b3]);
});

sc.run();
