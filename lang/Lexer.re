//===- Lexer.re - .sweep lexer (re2c input) -------------------------------===//
//
// re2c turns this file into Lexer.cpp in the build tree. The buffer ends with a
// NUL sentinel, so no rule needs bounds checks (yyfill is off).
//
//===----------------------------------------------------------------------===//

#include "lang/Lexer.h"
#include "runtime/results/Utf8.h"

#include "llvm/ADT/StringSwitch.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/raw_ostream.h"

#include <algorithm>

using namespace sweep;

Lexer::Lexer(const llvm::SourceMgr &sourceMgr, unsigned bufferId, SourceDiagnostics &diags)
    : diags(diags) {
  llvm::StringRef buffer = sourceMgr.getMemoryBuffer(bufferId)->getBuffer();
  bufferStart = buffer.begin();
  bufferEnd = buffer.end();
  cursor = bufferStart;
  // Editors on Windows start UTF-8 files with a byte order mark.
  if (buffer.starts_with("\xEF\xBB\xBF"))
    cursor += 3;
}

Token Lexer::nonAsciiCharacter(const char *tokStart) {
  // One error per character, not per byte; a byte that is no part of a
  // character is named alone.
  auto byte = [&](const char *p) { return static_cast<unsigned char>(*p); };
  unsigned char lead = byte(tokStart);
  size_t length = std::max<size_t>(1, utf8CharacterLength(tokStart, bufferEnd));
  uint32_t codePoint = length == 4 ? lead & 0x07 : length == 3 ? lead & 0x0F : lead & 0x1F;
  for (size_t i = 1; i < length; ++i)
    codePoint = (codePoint << 6) | (byte(tokStart + i) & 0x3F);
  cursor = tokStart + length;
  std::string shown;
  llvm::raw_string_ostream os(shown);
  if (length == 1) {
    os << "unexpected byte 0x" << llvm::format_hex_no_prefix(lead, 2)
       << " (the file is not UTF-8 text here)";
  } else {
    os << "unexpected character '" << llvm::StringRef(tokStart, size_t(length)) << "' (U+"
       << llvm::format_hex_no_prefix(codePoint, 4, /*Upper=*/true)
       << "): outside strings and comments a sweep file is ASCII";
    if (codePoint == 0x201C || codePoint == 0x201D)
      os << "; write a straight quote '\"'";
    else if (codePoint == 0x2212 || codePoint == 0x2013)
      os << "; write a minus '-'";
  }
  return emitError(tokStart, os.str());
}

Token Lexer::emitError(const char *loc, const llvm::Twine &message) {
  diags.error(llvm::SMLoc::getFromPointer(loc), message);
  return Token(Token::error, llvm::StringRef(loc, cursor > loc ? cursor - loc : 0));
}

Token Lexer::formString(const char *tokStart) {
  for (const char *p = tokStart + 1; p + 1 < cursor; ++p) {
    if (*p != '\\')
      continue;
    char next = *++p;
    if (next == '"' || next == '\\' || next == 'n' || next == 't')
      continue;
    // Anything else is an error, not the character itself: "C:\data" would
    // silently read as "C:data".
    unsigned char c = static_cast<unsigned char>(next);
    std::string shown;
    llvm::raw_string_ostream os(shown);
    if (c >= 0x20 && c < 0x7f)
      os << "'\\" << next << "'";
    else
      os << "'\\' before byte 0x" << llvm::format_hex_no_prefix(c, 2);
    diags.error(llvm::SMLoc::getFromPointer(p - 1),
                "unknown escape " + os.str() +
                    " in a string (the escapes are \\\" \\\\ \\n \\t; write \\\\ for a backslash)");
    return Token(Token::error, llvm::StringRef(tokStart, size_t(cursor - tokStart)));
  }
  return formToken(Token::string, tokStart);
}

Token::Kind Lexer::getIdentifierKind(llvm::StringRef spelling) {
  return llvm::StringSwitch<Token::Kind>(spelling)
#define TOK_KEYWORD(SPELLING) .Case(#SPELLING, Token::kw_##SPELLING)
#include "lang/TokenKinds.def"
      .Default(Token::identifier);
}

Token Lexer::lexToken() {
  const char *marker = nullptr;
  for (;;) {
    const char *tokStart = cursor;
    /*!re2c
      re2c:api:style = free-form;
      re2c:define:YYCTYPE = "unsigned char";
      re2c:define:YYCURSOR = cursor;
      re2c:define:YYMARKER = marker;
      re2c:yyfill:enable = 0;
      re2c:flags:utf-8 = 0;

      digits     = [0-9]+;
      exponent   = [eE] [+-]? digits;
      identifier = [a-zA-Z_] [a-zA-Z0-9_]*;
      strchar    = [^"\\\n\x00] | "\\" [^\n\x00];

      "\x00" {
        if (tokStart == bufferEnd) {
          cursor = tokStart; // Stay on the sentinel: every later call returns eof too.
          return formToken(Token::eof, tokStart);
        }
        return emitError(tokStart, "invalid NUL character in source");
      }
      [ \t\r\n]+          { continue; }
      "//" [^\n\x00]*     { continue; }

      identifier          { return formToken(getIdentifierKind(llvm::StringRef(tokStart, cursor - tokStart)), tokStart); }
      digits              { return formToken(Token::integer, tokStart); }
      digits "." digits exponent? | digits exponent
                          { return formToken(Token::floating, tokStart); }
      (digits ("." digits)? exponent?) [a-zA-Z_0-9]+
                          { return emitError(tokStart, "invalid number '" + llvm::StringRef(tokStart, cursor - tokStart) + "'"); }
      "\"" strchar* "\""  { return formString(tokStart); }
      "\"" strchar*       { return emitError(tokStart, "unterminated string"); }

      "("  { return formToken(Token::l_paren, tokStart); }
      ")"  { return formToken(Token::r_paren, tokStart); }
      "{"  { return formToken(Token::l_brace, tokStart); }
      "}"  { return formToken(Token::r_brace, tokStart); }
      "["  { return formToken(Token::l_square, tokStart); }
      "]"  { return formToken(Token::r_square, tokStart); }
      ","  { return formToken(Token::comma, tokStart); }
      ";"  { return formToken(Token::semi, tokStart); }
      ":"  { return formToken(Token::colon, tokStart); }
      "="  { return formToken(Token::equal, tokStart); }
      "."  { return formToken(Token::period, tokStart); }
      ".." { return formToken(Token::dotdot, tokStart); }
      "+"  { return formToken(Token::plus, tokStart); }
      "-"  { return formToken(Token::minus, tokStart); }
      "*"  { return formToken(Token::star, tokStart); }
      "/"  { return formToken(Token::slash, tokStart); }
      "%"  { return formToken(Token::percent, tokStart); }
      "<"  { return formToken(Token::less, tokStart); }
      "<=" { return formToken(Token::less_equal, tokStart); }
      ">"  { return formToken(Token::greater, tokStart); }
      ">=" { return formToken(Token::greater_equal, tokStart); }
      "==" { return formToken(Token::equal_equal, tokStart); }
      "!=" { return formToken(Token::not_equal, tokStart); }
      "&&" { return formToken(Token::amp_amp, tokStart); }
      "||" { return formToken(Token::pipe_pipe, tokStart); }
      "!"  { return formToken(Token::exclaim, tokStart); }

      [\x80-\xff] { return nonAsciiCharacter(tokStart); }

      * {
        unsigned char c = static_cast<unsigned char>(*tokStart);
        std::string shown;
        llvm::raw_string_ostream os(shown);
        if (c >= 0x20 && c < 0x7f)
          os << "'" << static_cast<char>(c) << "'";
        else
          os << "byte 0x" << llvm::format_hex_no_prefix(c, 2);
        return emitError(tokStart, "unexpected character " + os.str());
      }
    */
  }
}
