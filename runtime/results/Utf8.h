//===- Utf8.h - where a UTF-8 character ends --------------------*- C++ -*-===//
//
// Which bytes of a text are one UTF-8 character, and which are no part of
// one: summary.json (JSON is UTF-8) replaces each such byte with U+FFFD; the
// lexer names a non-ASCII character in its error, or the byte alone; the
// caret under a diagnostic takes one column per character and per such byte,
// as an editor shows them.
//
//===----------------------------------------------------------------------===//

#ifndef SWEEP_RUNTIME_RESULTS_UTF8_H
#define SWEEP_RUNTIME_RESULTS_UTF8_H

#include <cstddef>

namespace sweep {

/// The length of the well-formed UTF-8 character at `p` (1 for ASCII), or 0
/// when the bytes there are none: a byte that cannot lead, a continuation
/// byte, an overlong form, a surrogate, a code point beyond U+10FFFF, or a
/// character cut short by `end` (Unicode's Table 3-7).
inline size_t utf8CharacterLength(const char *p, const char *end) {
  auto byte = [](const char *at) { return static_cast<unsigned char>(*at); };
  if (p >= end)
    return 0;
  unsigned char lead = byte(p);
  if (lead < 0x80)
    return 1;
  size_t length = lead >= 0xC2 && lead <= 0xDF   ? 2
                  : lead >= 0xE0 && lead <= 0xEF ? 3
                  : lead >= 0xF0 && lead <= 0xF4 ? 4
                                                 : 0;
  if (length == 0 || size_t(end - p) < length)
    return 0;
  // The second byte's range rules out overlong forms, surrogates and code
  // points past U+10FFFF.
  unsigned char low = lead == 0xE0 ? 0xA0 : lead == 0xF0 ? 0x90 : 0x80;
  unsigned char high = lead == 0xED ? 0x9F : lead == 0xF4 ? 0x8F : 0xBF;
  if (byte(p + 1) < low || byte(p + 1) > high)
    return 0;
  for (size_t i = 2; i < length; ++i)
    if ((byte(p + i) & 0xC0) != 0x80)
      return 0;
  return length;
}

} // namespace sweep

#endif // SWEEP_RUNTIME_RESULTS_UTF8_H
