// on_error text (common/ErrorPolicyText), parsed once for the frontend and
// the runtime: the runtime's policy is exactly the shared parser's answer.
#include "common/ErrorPolicyText.h"
#include "runtime/src/ErrorPolicy.h"

#include <gtest/gtest.h>

using namespace weir;

namespace {

TEST(OnErrorText, ParsesTheThreeSpellings) {
  OnErrorSpec spec;
  EXPECT_EQ(parseOnError("fail", spec), OnErrorParse::Ok);
  EXPECT_EQ(spec.mode, OnErrorMode::Fail);
  EXPECT_EQ(parseOnError("skip", spec), OnErrorParse::Ok);
  EXPECT_EQ(spec.mode, OnErrorMode::Skip);
  EXPECT_EQ(parseOnError("dead_letter:out/bad.jsonl", spec), OnErrorParse::Ok);
  EXPECT_EQ(spec.mode, OnErrorMode::DeadLetter);
  EXPECT_EQ(spec.deadLetterPath, "out/bad.jsonl");
  EXPECT_EQ(parseOnError("dead_letter", spec), OnErrorParse::MissingPath);
  EXPECT_EQ(parseOnError("dead_letter:", spec), OnErrorParse::MissingPath);
  EXPECT_EQ(parseOnError("Skip", spec), OnErrorParse::Unknown);
  EXPECT_EQ(parseOnError("", spec), OnErrorParse::Unknown);
}

TEST(OnErrorText, TheRuntimeAcceptsWhatTheSharedParserAccepts) {
  for (const char *text : {"fail", "skip", "dead_letter:x.jsonl", "dead_letter", "dead_letter:",
                           "ignore", "FAIL", " skip"}) {
    OnErrorSpec spec;
    bool shared = parseOnError(text, spec) == OnErrorParse::Ok;
    rt::ErrorPolicy policy;
    std::string error;
    EXPECT_EQ(rt::parseErrorPolicy(text, policy, error), shared) << text;
    if (shared) {
      EXPECT_EQ(policy.mode, spec.mode) << text;
      EXPECT_EQ(policy.deadLetterPath, spec.deadLetterPath) << text;
    } else {
      EXPECT_EQ(error, std::string("invalid on_error \"") + text +
                           "\": expected \"fail\", \"skip\" or \"dead_letter:PATH\"");
    }
  }
  // No option at all is the default, fail.
  rt::ErrorPolicy policy;
  std::string error;
  EXPECT_TRUE(rt::parseErrorPolicy(nullptr, policy, error));
  EXPECT_EQ(policy.mode, OnErrorMode::Fail);
  EXPECT_TRUE(rt::parseErrorPolicy("", policy, error));
  EXPECT_EQ(policy.mode, OnErrorMode::Fail);
}

} // namespace
