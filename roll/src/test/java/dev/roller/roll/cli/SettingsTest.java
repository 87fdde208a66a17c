package dev.roller.roll.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class SettingsTest {
  @Test
  void serverListsSplitOnCommasAndWhiteSpace() {
    assertEquals(List.of("http://a:8080", "http://b", "http://c"), Settings.split(" http://a:8080,http://b \n\t,, http://c,"));
    assertEquals(List.of(), Settings.split(" , "));
    assertEquals(List.of("http://a"), Settings.split("http://a"));
  }
}
