package io.switchboard.cluster;

import io.switchboard.signaling.ids.NodeId;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * Short tags that name a node inside ids it mints (Engine.IO session ids start with their node's
 * tag), so any node can tell where a session lives without a lookup: the first
 * {@value #LENGTH} characters of base64url(SHA-256(node id)).
 */
public final class NodeTags {
  public static final int LENGTH = 8;

  private final Supplier<List<NodeId>> members;
  private final Map<String, NodeId> byTag = new ConcurrentHashMap<>();

  /** @param members the current cluster members (read again when a tag is not known yet) */
  public NodeTags(Supplier<List<NodeId>> members) {
    this.members = members;
  }

  public static String of(NodeId node) {
    try {
      byte[] hash = MessageDigest.getInstance("SHA-256").digest(node.value().getBytes(StandardCharsets.UTF_8));
      return Base64.getUrlEncoder().withoutPadding().encodeToString(hash).substring(0, LENGTH);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every JVM", e);
    }
  }

  /** The member whose tag {@code id} starts with, or null (not a tagged id, or its node is gone). */
  public NodeId owner(String id) {
    if (id == null || id.length() <= LENGTH) {
      return null;
    }
    String tag = id.substring(0, LENGTH);
    NodeId node = byTag.get(tag);
    if (node == null) {
      for (NodeId m : members.get()) {
        byTag.putIfAbsent(of(m), m);
      }
      node = byTag.get(tag);
    }
    return node;
  }
}
