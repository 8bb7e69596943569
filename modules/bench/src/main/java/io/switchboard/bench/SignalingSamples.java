package io.switchboard.bench;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** Wire samples of typical WebRTC signaling traffic. */
final class SignalingSamples {
  private SignalingSamples() {}

  /** A browser's offer for one audio and one video track, bundled: about 2 KB of SDP. */
  static final String SDP = String.join("\r\n",
      "v=0",
      "o=- 4611731400430051336 2 IN IP4 127.0.0.1",
      "s=-",
      "t=0 0",
      "a=group:BUNDLE 0 1",
      "a=extmap-allow-mixed",
      "a=msid-semantic: WMS 5d3e7f2a-9c1b-4e8d-a6f0-2b7c9e1d4a38",
      "m=audio 9 UDP/TLS/RTP/SAVPF 111 63 9 0 8 13 110 126",
      "c=IN IP4 0.0.0.0",
      "a=rtcp:9 IN IP4 0.0.0.0",
      "a=ice-ufrag:WsZA",
      "a=ice-pwd:4Vq6nDnN8x9xO2kYfVZp1m3T",
      "a=ice-options:trickle",
      "a=fingerprint:sha-256 7B:8B:F0:65:5F:78:E2:51:3B:AC:6F:F3:3F:46:1B:35:DC:B8:5F:64:1A:24:C2:43:F0:A1:58:D0:A1:2C:19:08",
      "a=setup:actpass",
      "a=mid:0",
      "a=extmap:1 urn:ietf:params:rtp-hdrext:ssrc-audio-level",
      "a=extmap:2 http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time",
      "a=extmap:3 http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01",
      "a=extmap:4 urn:ietf:params:rtp-hdrext:sdes:mid",
      "a=sendrecv",
      "a=msid:5d3e7f2a-9c1b-4e8d-a6f0-2b7c9e1d4a38 8f1c2d3e-4b5a-6978-8a9b-0c1d2e3f4a5b",
      "a=rtcp-mux",
      "a=rtpmap:111 opus/48000/2",
      "a=rtcp-fb:111 transport-cc",
      "a=fmtp:111 minptime=10;useinbandfec=1",
      "a=rtpmap:63 red/48000/2",
      "a=fmtp:63 111/111",
      "a=rtpmap:9 G722/8000",
      "a=rtpmap:0 PCMU/8000",
      "a=rtpmap:8 PCMA/8000",
      "a=rtpmap:13 CN/8000",
      "a=rtpmap:110 telephone-event/48000",
      "a=rtpmap:126 telephone-event/8000",
      "a=ssrc:1001211024 cname:Yq2c5hT1q3a0c9Kx",
      "a=ssrc:1001211024 msid:5d3e7f2a-9c1b-4e8d-a6f0-2b7c9e1d4a38 8f1c2d3e-4b5a-6978-8a9b-0c1d2e3f4a5b",
      "m=video 9 UDP/TLS/RTP/SAVPF 96 97 102 103 45 46",
      "c=IN IP4 0.0.0.0",
      "a=rtcp:9 IN IP4 0.0.0.0",
      "a=ice-ufrag:WsZA",
      "a=ice-pwd:4Vq6nDnN8x9xO2kYfVZp1m3T",
      "a=ice-options:trickle",
      "a=fingerprint:sha-256 7B:8B:F0:65:5F:78:E2:51:3B:AC:6F:F3:3F:46:1B:35:DC:B8:5F:64:1A:24:C2:43:F0:A1:58:D0:A1:2C:19:08",
      "a=setup:actpass",
      "a=mid:1",
      "a=extmap:14 urn:ietf:params:rtp-hdrext:toffset",
      "a=extmap:2 http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time",
      "a=extmap:13 urn:3gpp:video-orientation",
      "a=extmap:3 http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01",
      "a=extmap:4 urn:ietf:params:rtp-hdrext:sdes:mid",
      "a=sendrecv",
      "a=msid:5d3e7f2a-9c1b-4e8d-a6f0-2b7c9e1d4a38 0a9b8c7d-6e5f-4a3b-2c1d-0e9f8a7b6c5d",
      "a=rtcp-mux",
      "a=rtcp-rsize",
      "a=rtpmap:96 VP8/90000",
      "a=rtcp-fb:96 goog-remb",
      "a=rtcp-fb:96 transport-cc",
      "a=rtcp-fb:96 ccm fir",
      "a=rtcp-fb:96 nack",
      "a=rtcp-fb:96 nack pli",
      "a=rtpmap:97 rtx/90000",
      "a=fmtp:97 apt=96",
      "a=rtpmap:102 H264/90000",
      "a=rtcp-fb:102 transport-cc",
      "a=rtcp-fb:102 nack pli",
      "a=fmtp:102 level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=42e01f",
      "a=rtpmap:103 rtx/90000",
      "a=fmtp:103 apt=102",
      "a=rtpmap:45 AV1/90000",
      "a=rtcp-fb:45 nack pli",
      "a=rtpmap:46 rtx/90000",
      "a=fmtp:46 apt=45",
      "a=ssrc-group:FID 2774436071 1509306128",
      "a=ssrc:2774436071 cname:Yq2c5hT1q3a0c9Kx",
      "a=ssrc:1509306128 cname:Yq2c5hT1q3a0c9Kx",
      "") ;

  static final String ROOM_ID = "room-7f3a9c21-4b8e-4d2a-9e61-0c5b8a7d3f12";
  static final String FROM_USER_ID = "user-1c9e8b7a-6d5f-4e3c-2b1a-0f9e8d7c6b5a";
  static final String TARGET_USER_ID = "user-a4b3c2d1-e5f6-4a7b-8c9d-0e1f2a3b4c5d";

  /** The Socket.IO EVENT as the JavaScript client encodes it. */
  static String offerSocketIo() {
    ObjectNode offer = JsonNodeFactory.instance.objectNode();
    offer.put("roomId", ROOM_ID);
    ObjectNode description = offer.putObject("offer");
    description.put("type", "offer");
    description.put("sdp", SDP);
    offer.put("targetUserId", TARGET_USER_ID);
    return "2[\"offer\"," + offer + "]";
  }

  /** The same packet in a WebSocket text frame: the Engine.IO MESSAGE digit first. */
  static String offerFrame() {
    return "4" + offerSocketIo();
  }
}
