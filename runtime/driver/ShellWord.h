//===- ShellWord.h - text a user can paste into a shell ---------*- C++ -*-===//
//
// Messages that tell the user which command to run next (resume an interrupted
// sweep, one whose energy budget is spent) quote its file and options so that
// pasting the command works whatever the path holds.
//
//===----------------------------------------------------------------------===//

#ifndef SWEEP_RUNTIME_DRIVER_SHELLWORD_H
#define SWEEP_RUNTIME_DRIVER_SHELLWORD_H

#include <string>

namespace sweep {

/// `text` as one POSIX shell word: as it is when every character is safe,
/// else in single quotes (a quote inside written '\'').
inline std::string shellWord(const std::string &text) {
  auto safe = [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           std::string("_-./=:,+@%").find(c) != std::string::npos;
  };
  // A leading '=' is zsh's path expansion (=ls): quoted too.
  bool plain = !text.empty() && text[0] != '=';
  for (char c : text)
    plain = plain && safe(c);
  if (plain)
    return text;
  std::string quoted = "'";
  for (char c : text)
    quoted += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return quoted + "'";
}

} // namespace sweep

#endif // SWEEP_RUNTIME_DRIVER_SHELLWORD_H
