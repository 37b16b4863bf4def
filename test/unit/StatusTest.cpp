// The runtime's error convention (runtime/src/Status.h).
#include "runtime/src/Status.h"

#include <gtest/gtest.h>

using namespace weir::rt;

TEST(Status, DefaultIsOkWithNoMessage) {
  Status s;
  EXPECT_TRUE(s.ok());
  EXPECT_EQ(s.code(), WEIR_OK);
  EXPECT_EQ(s.message(), "");
}

TEST(Status, ContextPrefixesTheMessageAndKeepsTheCode) {
  Status s = Status::io("cannot open x: No such file or directory").withContext("source 'txns'");
  EXPECT_FALSE(s.ok());
  EXPECT_EQ(s.code(), WEIR_ERR_IO);
  EXPECT_EQ(s.message(), "source 'txns': cannot open x: No such file or directory");
  Status c = Status::config("bad").withContext("a").withContext("b");
  EXPECT_EQ(c.code(), WEIR_ERR_CONFIG);
  EXPECT_EQ(c.message(), "b: a: bad");
}

TEST(Status, ContextLeavesAnOkStatusOk) {
  Status s = Status().withContext("sink 'out'");
  EXPECT_TRUE(s.ok());
  EXPECT_EQ(s.message(), "");
}

TEST(ErrorSlot, TheFirstErrorWinsAndEachCallGetsItsOwnCode) {
  ErrorSlot slot;
  EXPECT_FALSE(slot.failed());
  EXPECT_EQ(slot.set(WEIR_ERR_RECORD, "x.jsonl:3: bad record"), WEIR_ERR_RECORD);
  EXPECT_EQ(slot.set(Status::io("a consequence")), WEIR_ERR_IO);
  EXPECT_TRUE(slot.failed());
  EXPECT_EQ(slot.code(), WEIR_ERR_RECORD);
  EXPECT_EQ(slot.message(), "x.jsonl:3: bad record");
}
