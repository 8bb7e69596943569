package io.switchboard.signaling.store;

import static io.switchboard.signaling.store.StoreContractSupport.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.signaling.ids.NodeId;
import io.switchboard.signaling.ids.SocketId;
import io.switchboard.signaling.ids.SocketRef;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The {@link SocketRegistry} contract: every implementation runs it. */
public abstract class SocketRegistryContract {
  private static final NodeId A = NodeId.of("node-a");
  private static final NodeId B = NodeId.of("node-b");

  protected SocketRegistry registry;

  protected abstract SocketRegistry newRegistry();

  @BeforeEach
  void fresh() {
    registry = newRegistry();
  }

  private static SocketRef ref(String id, NodeId node) {
    return new SocketRef(SocketId.of(id), node);
  }

  @Test
  void anEmptyNodeHoldsNothing() {
    assertEquals(List.of(), await(registry.socketsOf(A)));
    assertFalse(await(registry.contains(ref("s1", A))));
  }

  @Test
  void socketsAreListedByTheirNodeOnly() {
    await(registry.add(ref("s1", A)));
    await(registry.add(ref("s2", A)));
    await(registry.add(ref("s3", B)));
    assertEquals(Set.of(ref("s1", A), ref("s2", A)), new HashSet<>(await(registry.socketsOf(A))));
    assertEquals(List.of(ref("s3", B)), await(registry.socketsOf(B)));
    assertTrue(await(registry.contains(ref("s3", B))));
    assertFalse(await(registry.contains(ref("s3", A))), "a socket belongs to the node it was added for");
  }

  @Test
  void addingTwiceRecordsOnce() {
    await(registry.add(ref("s1", A)));
    await(registry.add(ref("s1", A)));
    assertEquals(List.of(ref("s1", A)), await(registry.socketsOf(A)));
  }

  @Test
  void removeForgetsAndSaysWhetherItWasThere() {
    await(registry.add(ref("s1", A)));
    assertTrue(await(registry.remove(ref("s1", A))));
    assertFalse(await(registry.remove(ref("s1", A))));
    assertEquals(List.of(), await(registry.socketsOf(A)));
  }

  @Test
  void manySocketsOfOneNode() {
    Set<SocketRef> added = new HashSet<>();
    for (int i = 0; i < 500; i++) {
      SocketRef r = ref("s" + i, A);
      added.add(r);
      await(registry.add(r));
    }
    assertEquals(added, new HashSet<>(await(registry.socketsOf(A))));
  }
}
