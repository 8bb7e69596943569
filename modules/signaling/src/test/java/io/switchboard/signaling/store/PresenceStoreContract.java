package io.switchboard.signaling.store;

import static io.switchboard.signaling.store.StoreContractSupport.allAtOnce;
import static io.switchboard.signaling.store.StoreContractSupport.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.signaling.ids.NodeId;
import io.switchboard.signaling.ids.SocketId;
import io.switchboard.signaling.ids.SocketRef;
import io.switchboard.signaling.ids.UserId;
import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The {@link PresenceStore} contract, as its javadoc states it. Every implementation runs this very
 * suite: subclass it and return a fresh, empty store from {@link #newStore()}.
 */
public abstract class PresenceStoreContract {
  private static final NodeId NODE_A = NodeId.of("node-a");
  private static final NodeId NODE_B = NodeId.of("node-b");
  private static final UserId U1 = UserId.of("u1");
  private static final UserId U2 = UserId.of("u2");

  protected PresenceStore store;

  /** A fresh, empty store; called once per test. */
  protected abstract PresenceStore newStore();

  @BeforeEach
  protected void freshStore() {
    store = newStore();
  }

  private static SocketRef on(NodeId node, String socket) {
    return new SocketRef(SocketId.of(socket), node);
  }

  private Set<SocketRef> socketsOf(UserId user) {
    List<SocketRef> sockets = await(store.sockets(user));
    Set<SocketRef> set = new HashSet<>(sockets);
    assertEquals(sockets.size(), set.size(), "no socket listed twice: " + sockets);
    return set;
  }

  @Test
  void aFirstRegistrationReturnsNullAndMapsBothWays() {
    SocketRef s1 = on(NODE_A, "s1");
    assertNull(await(store.register(U1, s1)));
    assertEquals(List.of(s1), await(store.sockets(U1)));
    assertEquals(U1, await(store.userOf(SocketId.of("s1"))));
  }

  @Test
  void registeringAgainIsIdempotentAndReturnsTheSameUser() {
    SocketRef s1 = on(NODE_A, "s1");
    await(store.register(U1, s1));
    assertEquals(U1, await(store.register(U1, s1)));
    assertEquals(U1, await(store.register(U1, s1)));
    assertEquals(List.of(s1), await(store.sockets(U1)));
  }

  @Test
  void aUserHoldsEverySocketItRegisteredOnEveryNode() {
    SocketRef phone = on(NODE_A, "s1");
    SocketRef laptop = on(NODE_B, "s2");
    SocketRef tab = on(NODE_A, "s3");
    await(store.register(U1, phone));
    await(store.register(U1, laptop));
    await(store.register(U1, tab));
    assertEquals(Set.of(phone, laptop, tab), socketsOf(U1));
    assertEquals(U1, await(store.userOf(SocketId.of("s2"))));
  }

  @Test
  void usersAreIndependent() {
    await(store.register(U1, on(NODE_A, "s1")));
    await(store.register(U2, on(NODE_B, "s2")));
    assertEquals(Set.of(on(NODE_A, "s1")), socketsOf(U1));
    assertEquals(Set.of(on(NODE_B, "s2")), socketsOf(U2));
  }

  @Test
  void aSocketRegisteredUnderAnotherUserMoves() {
    SocketRef s1 = on(NODE_A, "s1");
    SocketRef s2 = on(NODE_B, "s2");
    await(store.register(U1, s1));
    await(store.register(U1, s2));
    assertEquals(U1, await(store.register(U2, s1)), "returns the user it was registered under before");
    assertEquals(Set.of(s2), socketsOf(U1));
    assertEquals(Set.of(s1), socketsOf(U2));
    assertEquals(U2, await(store.userOf(SocketId.of("s1"))));
    assertEquals(U1, await(store.userOf(SocketId.of("s2"))));
  }

  @Test
  void movingTheOnlySocketLeavesTheOldUserOffline() {
    SocketRef s1 = on(NODE_A, "s1");
    await(store.register(U1, s1));
    await(store.register(U2, s1));
    assertEquals(List.of(), await(store.sockets(U1)));
    assertEquals(U2, await(store.register(U1, s1)));
    assertEquals(List.of(s1), await(store.sockets(U1)));
    assertEquals(List.of(), await(store.sockets(U2)));
  }

  @Test
  void unregisterRemovesOnlyThatSocket() {
    SocketRef s1 = on(NODE_A, "s1");
    SocketRef s2 = on(NODE_B, "s2");
    await(store.register(U1, s1));
    await(store.register(U1, s2));
    assertTrue(await(store.unregister(U1, SocketId.of("s1"))));
    assertEquals(Set.of(s2), socketsOf(U1));
    assertNull(await(store.userOf(SocketId.of("s1"))));
    assertFalse(await(store.unregister(U1, SocketId.of("s1"))), "there was none the second time");
  }

  @Test
  void unregisterOfAnotherUsersSocketIsFalseAndChangesNothing() {
    SocketRef s1 = on(NODE_A, "s1");
    await(store.register(U1, s1));
    assertFalse(await(store.unregister(U2, SocketId.of("s1"))));
    assertEquals(List.of(s1), await(store.sockets(U1)));
    assertEquals(U1, await(store.userOf(SocketId.of("s1"))));
    assertFalse(await(store.unregister(U1, SocketId.of("s9"))));
    assertFalse(await(store.unregister(UserId.of("nobody"), SocketId.of("s9"))));
  }

  @Test
  void unknownsAreEmptyOrNull() {
    assertEquals(List.of(), await(store.sockets(UserId.of("nobody"))));
    assertNull(await(store.userOf(SocketId.of("s9"))));
    assertNull(await(store.removeSocket(SocketId.of("s9"))));
  }

  @Test
  void removeSocketReturnsItsUserAndKeepsTheOtherDevices() {
    SocketRef s1 = on(NODE_A, "s1");
    SocketRef s2 = on(NODE_B, "s2");
    await(store.register(U1, s1));
    await(store.register(U1, s2));
    assertEquals(U1, await(store.removeSocket(SocketId.of("s1"))));
    assertEquals(Set.of(s2), socketsOf(U1));
    assertNull(await(store.userOf(SocketId.of("s1"))));
    assertNull(await(store.removeSocket(SocketId.of("s1"))));
    assertEquals(U1, await(store.removeSocket(SocketId.of("s2"))));
    assertEquals(List.of(), await(store.sockets(U1)));
  }

  @Test
  void aRemovedSocketRegistersAfreshAsNew() {
    await(store.register(U1, on(NODE_A, "s1")));
    await(store.removeSocket(SocketId.of("s1")));
    assertNull(await(store.register(U2, on(NODE_A, "s1"))));
    assertEquals(List.of(), await(store.sockets(U1)));
  }

  @Test
  void concurrentRegistrationsOfManyDevicesAllLand() throws Exception {
    List<Callable<Future<UserId>>> calls = new ArrayList<>();
    Set<SocketRef> expected = new HashSet<>();
    for (int i = 0; i < 40; i++) {
      SocketRef s = on(i % 2 == 0 ? NODE_A : NODE_B, "s" + i);
      expected.add(s);
      calls.add(() -> store.register(U1, s));
    }
    allAtOnce(8, calls);
    assertEquals(expected, socketsOf(U1));
  }

  @Test
  void aSocketBelongsToOneUserEvenWhenRegisteredConcurrentlyUnderSeveral() throws Exception {
    SocketRef s1 = on(NODE_A, "s1");
    List<Callable<Future<UserId>>> calls = new ArrayList<>();
    for (int i = 0; i < 30; i++) {
      UserId u = UserId.of("u" + (i % 5));
      calls.add(() -> store.register(u, s1));
    }
    allAtOnce(8, calls);
    UserId owner = await(store.userOf(SocketId.of("s1")));
    for (int i = 0; i < 5; i++) {
      UserId u = UserId.of("u" + i);
      assertEquals(u.equals(owner) ? List.of(s1) : List.of(), await(store.sockets(u)), "sockets of " + u);
    }
  }
}
