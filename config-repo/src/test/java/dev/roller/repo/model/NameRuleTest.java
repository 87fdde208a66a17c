package dev.roller.repo.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class NameRuleTest {
  @Test
  void hostNamesAreCheckedByHandExactlyAsTheRegexReadsThem() {
    Pattern regex = Pattern.compile(NameRule.HOST.regex());
    List<String> names = new ArrayList<>(List.of("", "a", "-", ".", "a.", ".a", "a..b", "a-b", "a-", "-a", "web1.dc1.example.com",
        "Web1.example.com", "a_b", "a b", "a\n", "a.b-.c", "0.0", "x".repeat(63), "x".repeat(64), "x".repeat(63) + ".y",
        ("x".repeat(63) + ".").repeat(3) + "x".repeat(61), ("x".repeat(63) + ".").repeat(3) + "x".repeat(62), "é.example.com"));
    Random random = new Random(7);
    String alphabet = "ab09-.Z_\n";
    for (int i = 0; i < 20_000; i++) {
      StringBuilder name = new StringBuilder();
      for (int n = random.nextInt(12); n > 0; n--) {
        name.append(alphabet.charAt(random.nextInt(alphabet.length())));
      }
      names.add(name.toString());
    }
    int valid = 0;
    for (String name : names) {
      boolean expected = regex.matcher(name).matches();
      assertEquals(expected, NameRule.HOST.matches(name), () -> NameRule.quote(name));
      valid += expected ? 1 : 0;
    }
    assertTrue(valid > 1000, "the corpus holds valid names too: " + valid);
    assertFalse(NameRule.HOST.matches(null));
  }
}
