package io.switchboard.protocol.engine;

/**
 * The owner's answer to a forwarded polling request, written to the client by the node that
 * received it (which adds its own CORS headers).
 */
public record PollReply(int status, String contentType, String body, boolean closeConnection) {}
