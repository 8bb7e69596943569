package io.switchboard.loadtest.sys;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.util.List;
import org.junit.jupiter.api.Test;

class TargetsTest {
  @Test
  void acceptsLoopbackAndPrivateAddresses() throws Exception {
    assertEquals(2, Targets.parse(List.of("http://127.0.0.1:4001", "ws://[::1]:4002")).size());
    for (String a : List.of("127.0.0.1", "10.1.2.3", "172.16.0.9", "192.168.1.1", "169.254.1.1", "::1", "fd00::1",
        "fe80::1")) {
      assertTrue(Targets.isAllowed(InetAddress.getByName(a)), a);
    }
  }

  @Test
  void refusesPublicAddresses() throws Exception {
    for (String a : List.of("8.8.8.8", "1.1.1.1", "172.32.0.1", "2001:4860::8888")) {
      assertFalse(Targets.isAllowed(InetAddress.getByName(a)), a);
    }
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Targets.parse(List.of("http://8.8.8.8:4000")));
    assertTrue(e.getMessage().contains("only loopback and private"), e.getMessage());
  }

  @Test
  void refusesWhatIsNotAUrl() {
    assertThrows(IllegalArgumentException.class, () -> Targets.parse(List.of("ftp://127.0.0.1")));
    assertThrows(IllegalArgumentException.class, () -> Targets.parse(List.of("127.0.0.1:4000")));
    assertThrows(IllegalArgumentException.class, () -> Targets.parse(List.of()));
    assertThrows(IllegalArgumentException.class, () -> Targets.parse(List.of(" ")));
  }

  @Test
  void refusesMoreConnectionsThanOpenFiles() {
    long max = Machine.maxOpenFiles();
    if (max <= 0) {
      return;
    }
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Machine.checkOpenFiles(max));
    assertTrue(e.getMessage().contains("open files"), e.getMessage());
    Machine.checkOpenFiles(10);
  }

  @Test
  void readsProcAndJcmdOutput() {
    assertEquals(12345, Machine.kb("VmRSS:\t   12345 kB"));
    assertTrue(Machine.statusKb(ProcessHandle.current().pid(), "VmRSS") > 0);
    assertEquals(-1, Machine.statusKb(Long.MAX_VALUE, "VmRSS"));
    assertTrue(Machine.isJava(ProcessHandle.current().pid()));
    String heapInfo = """
        12345:
         garbage-first heap   total 262144K, used 48123K [0x00000000f0000000, 0x0000000100000000)
          region size 1024K, 3 young (3072K), 0 survivors (0K)
         Metaspace       used 41234K, committed 41728K, reserved 1114112K
          class space    used 5000K, committed 5248K, reserved 1048576K
        """;
    long[] heap = Machine.parseHeapKb(heapInfo);
    assertEquals(48123, heap[0]);
    assertEquals(262144, heap[1]);
    assertEquals(null, Machine.parseHeapKb("nothing"));
    assertEquals(3, Machine.loadAverage().length);
  }
}
