//===- LexerTest.cpp - tokens of the .sweep language ----------------------===//

#include "lang/Lexer.h"

#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/MLIRContext.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/MemoryBuffer.h"

#include <gtest/gtest.h>

using namespace sweep;

namespace {
struct Lexed {
  std::vector<Token::Kind> kinds;
  std::vector<std::string> spellings;
  std::vector<std::string> errors;
};

Lexed lex(llvm::StringRef text) {
  llvm::SourceMgr sourceMgr;
  sourceMgr.AddNewSourceBuffer(llvm::MemoryBuffer::getMemBufferCopy(text, "t.sweep"),
                               llvm::SMLoc());
  mlir::MLIRContext context;
  Lexed lexed;
  mlir::ScopedDiagnosticHandler handler(&context, [&](mlir::Diagnostic &diag) {
    lexed.errors.push_back(diag.str());
    return mlir::success();
  });
  SourceDiagnostics diags(sourceMgr, &context);
  Lexer lexer(sourceMgr, sourceMgr.getMainFileID(), diags);
  for (int guard = 0; guard < 1000; ++guard) {
    Token token = lexer.lexToken();
    lexed.kinds.push_back(token.getKind());
    lexed.spellings.push_back(token.getSpelling().str());
    if (token.is(Token::eof) || token.is(Token::error))
      break;
  }
  return lexed;
}
} // namespace

TEST(Lexer, RangeIsNotAFloat) {
  Lexed lexed = lex("0..3");
  EXPECT_EQ(lexed.kinds, (std::vector<Token::Kind>{Token::integer, Token::dotdot,
                                                    Token::integer, Token::eof}));
}

TEST(Lexer, NumbersAndExponents) {
  Lexed lexed = lex("1e-3 0.5 12 3E+2");
  EXPECT_EQ(lexed.kinds, (std::vector<Token::Kind>{Token::floating, Token::floating,
                                                    Token::integer, Token::floating,
                                                    Token::eof}));
  EXPECT_EQ(lexed.spellings[0], "1e-3");
}

TEST(Lexer, KeywordsCommentsAndPunctuation) {
  Lexed lexed = lex("sweep s { // comment\n lr in [1, 2]; where a <= b && !c; }");
  EXPECT_EQ(lexed.kinds.front(), Token::kw_sweep);
  EXPECT_EQ(lexed.kinds[1], Token::identifier);
  EXPECT_EQ(lexed.kinds[4], Token::kw_in);
  EXPECT_NE(std::find(lexed.kinds.begin(), lexed.kinds.end(), Token::less_equal),
            lexed.kinds.end());
  EXPECT_NE(std::find(lexed.kinds.begin(), lexed.kinds.end(), Token::amp_amp),
            lexed.kinds.end());
  EXPECT_TRUE(lexed.errors.empty());
}

TEST(Lexer, StringEscapes) {
  Lexed lexed = lex(R"("a\"b\\c")");
  ASSERT_EQ(lexed.kinds.front(), Token::string);
  EXPECT_EQ(Token(Token::string, lexed.spellings.front()).getStringValue(), "a\"b\\c");
  lexed = lex(R"("\n\t")");
  ASSERT_EQ(lexed.kinds.front(), Token::string);
  EXPECT_EQ(Token(Token::string, lexed.spellings.front()).getStringValue(), "\n\t");
}

// Any other escape is an error, not the character itself ("C:\data" would
// read as "C:data"); a byte outside ASCII is shown by its value.
TEST(Lexer, UnknownEscapesAreErrors) {
  Lexed lexed = lex(R"("C:\data")");
  EXPECT_EQ(lexed.kinds.front(), Token::error);
  ASSERT_EQ(lexed.errors.size(), 1u);
  EXPECT_EQ(lexed.errors.front(), "unknown escape '\\d' in a string (the escapes are \\\" "
                                  "\\\\ \\n \\t; write \\\\ for a backslash)");
  EXPECT_EQ(lex("\"a\\\xe9\"").errors.front(),
            "unknown escape '\\' before byte 0xe9 in a string (the escapes are \\\" \\\\ \\n "
            "\\t; write \\\\ for a backslash)");
}

TEST(Lexer, ErrorsStopTheStream) {
  EXPECT_EQ(lex("a $ b").kinds.back(), Token::error);
  EXPECT_EQ(lex("\"open").errors.front(), "unterminated string");
  EXPECT_EQ(lex("12abc").errors.front(), "invalid number '12abc'");
  EXPECT_EQ(lex(llvm::StringRef("a\0b", 3)).errors.front(), "invalid NUL character in source");
  EXPECT_EQ(lex("\xff").errors.front(), "unexpected byte 0xff (the file is not UTF-8 text here)");
}

// Regression: each byte of a non-ASCII character was an error of its own, and
// a byte order mark at the start of a file was three errors.
TEST(Lexer, NonAsciiCharactersAreOneErrorEach) {
  Lexed curly = lex("\xe2\x80\x9cx\xe2\x80\x9d");
  ASSERT_EQ(curly.errors.size(), 1u); // Lexing stops at the first error token.
  EXPECT_EQ(curly.errors.front(),
            "unexpected character '\xe2\x80\x9c' (U+201C): outside strings and comments a "
            "sweep file is ASCII; write a straight quote '\"'");
  EXPECT_EQ(lex("\xc3\xa9").errors.front(),
            "unexpected character '\xc3\xa9' (U+00E9): outside strings and comments a sweep "
            "file is ASCII");
  EXPECT_EQ(lex("\xe2\x80").errors.front(),
            "unexpected byte 0xe2 (the file is not UTF-8 text here)"); // Cut short.
  EXPECT_TRUE(lex("\xef\xbb\xbfsweep").errors.empty());
  EXPECT_TRUE(lex("// caf\xc3\xa9\n\"\xc3\xa9\"").errors.empty());
}

// Sequences that are not UTF-8 are bytes, not characters. Regression: leads
// 0xF8-0xFF read as 3-byte leads, and overlong forms, surrogates and code
// points beyond U+10FFFF were named as characters (U+F000, U+0000, U+D800,
// U+110000).
TEST(Lexer, InvalidUtf8IsNamedByteByByte) {
  for (const char *text : {"\xff\x80\x80", "\xf8\x88\x80\x80\x80", "\xe0\x80\x80",
                           "\xf0\x80\x80\x80", "\xc1\xbf", "\xed\xa0\x80",
                           "\xf4\x90\x80\x80", "\xf5\x80\x80\x80", "\x80"}) {
    std::string lead = llvm::utohexstr(static_cast<unsigned char>(text[0]), /*LowerCase=*/true);
    EXPECT_EQ(lex(text).errors.front(),
              "unexpected byte 0x" + lead + " (the file is not UTF-8 text here)")
        << text;
  }
  // The edges that are characters.
  EXPECT_NE(lex("\xed\x9f\xbf").errors.front().find("(U+D7FF)"), std::string::npos);
  EXPECT_NE(lex("\xee\x80\x80").errors.front().find("(U+E000)"), std::string::npos);
  EXPECT_NE(lex("\xf4\x8f\xbf\xbf").errors.front().find("(U+10FFFF)"), std::string::npos);
  EXPECT_NE(lex("\xe0\xa0\x80").errors.front().find("(U+0800)"), std::string::npos);
  EXPECT_NE(lex("\xf0\x90\x80\x80").errors.front().find("(U+10000)"), std::string::npos);
}
