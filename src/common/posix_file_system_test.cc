#include <string>

#include <stdlib.h>
#include <sys/stat.h>

#include "common/file_system.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace weft {
namespace {

using ::testing::ElementsAre;

class PosixFileSystemTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string tmpl = ::testing::TempDir() + "/posix_fs_XXXXXX";
    ASSERT_NE(::mkdtemp(tmpl.data()), nullptr);
    dir_ = tmpl;
  }
  void TearDown() override {
    auto names = fs_.ListDir(dir_);
    if (names.ok()) {
      for (const auto& n : *names) (void)fs_.Remove(dir_ + "/" + n);
    }
    ::rmdir(dir_.c_str());
  }
  std::string Path(const std::string& name) const { return dir_ + "/" + name; }

  FileSystem& fs_ = PosixFileSystem();
  std::string dir_;
};

TEST_F(PosixFileSystemTest, WriteAppendReadBack) {
  auto f = fs_.NewWritableFile(Path("a"));
  ASSERT_TRUE(f.ok()) << f.status();
  ASSERT_TRUE((*f)->Append("hello ").ok());
  ASSERT_TRUE((*f)->Append("world").ok());
  EXPECT_EQ((*f)->Size(), 11u);
  ASSERT_TRUE((*f)->Sync().ok());
  ASSERT_TRUE((*f)->Close().ok());
  EXPECT_TRUE((*f)->Close().ok());  // idempotent
  EXPECT_EQ(*fs_.ReadFile(Path("a")), "hello world");

  auto g = fs_.NewAppendableFile(Path("a"));
  ASSERT_TRUE(g.ok());
  EXPECT_EQ((*g)->Size(), 11u);
  ASSERT_TRUE((*g)->Append("!").ok());
  ASSERT_TRUE((*g)->Close().ok());
  EXPECT_EQ(*fs_.ReadFile(Path("a")), "hello world!");
  EXPECT_EQ(*fs_.FileSize(Path("a")), 12u);

  // NewWritableFile truncates.
  auto h = fs_.NewWritableFile(Path("a"));
  ASSERT_TRUE(h.ok());
  EXPECT_EQ(*fs_.FileSize(Path("a")), 0u);
}

TEST_F(PosixFileSystemTest, WritableTruncateContinuesAtNewEnd) {
  auto f = fs_.NewWritableFile(Path("t"));
  ASSERT_TRUE(f.ok());
  ASSERT_TRUE((*f)->Append("0123456789").ok());
  ASSERT_TRUE((*f)->Truncate(4).ok());
  EXPECT_EQ((*f)->Size(), 4u);
  ASSERT_TRUE((*f)->Append("xy").ok());
  ASSERT_TRUE((*f)->Close().ok());
  EXPECT_EQ(*fs_.ReadFile(Path("t")), "0123xy");
  EXPECT_FALSE((*f)->Append("z").ok());  // closed
}

TEST_F(PosixFileSystemTest, RandomAccessReads) {
  auto f = fs_.NewWritableFile(Path("r"));
  ASSERT_TRUE((*f)->Append("abcdefgh").ok());
  ASSERT_TRUE((*f)->Close().ok());
  auto r = fs_.NewRandomAccessFile(Path("r"));
  ASSERT_TRUE(r.ok());
  EXPECT_EQ((*r)->Size(), 8u);
  char scratch[16];
  EXPECT_EQ(*(*r)->Read(2, 3, scratch), "cde");
  EXPECT_EQ(*(*r)->Read(6, 10, scratch), "gh");  // short at end of file
  EXPECT_EQ(*(*r)->Read(20, 4, scratch), "");
}

TEST_F(PosixFileSystemTest, DirectoriesListRenameRemove) {
  ASSERT_TRUE(fs_.CreateDirs(Path("x/y/z")).ok());
  ASSERT_TRUE(fs_.CreateDirs(Path("x/y/z")).ok());  // already there
  EXPECT_TRUE(fs_.Exists(Path("x/y/z")));
  ASSERT_TRUE(fs_.SyncDir(Path("x/y")).ok());
  ::rmdir(Path("x/y/z").c_str());
  ::rmdir(Path("x/y").c_str());
  ::rmdir(Path("x").c_str());

  for (const char* name : {"b", "a", "c"}) ASSERT_TRUE(fs_.NewWritableFile(Path(name)).ok());
  EXPECT_THAT(*fs_.ListDir(dir_), ElementsAre("a", "b", "c"));
  ASSERT_TRUE(fs_.Rename(Path("a"), Path("d")).ok());
  ASSERT_TRUE(fs_.Remove(Path("b")).ok());
  EXPECT_THAT(*fs_.ListDir(dir_), ElementsAre("c", "d"));
  EXPECT_TRUE(fs_.Exists(Path("d")));
  EXPECT_FALSE(fs_.Exists(Path("a")));
  ASSERT_TRUE(fs_.SyncDir(dir_).ok());
}

TEST_F(PosixFileSystemTest, PathTruncateAndFreeBytes) {
  auto f = fs_.NewWritableFile(Path("p"));
  ASSERT_TRUE((*f)->Append("0123456789").ok());
  ASSERT_TRUE((*f)->Close().ok());
  ASSERT_TRUE(fs_.Truncate(Path("p"), 3).ok());
  EXPECT_EQ(*fs_.ReadFile(Path("p")), "012");
  auto free = fs_.FreeBytes(dir_);
  ASSERT_TRUE(free.ok());
  EXPECT_GT(*free, 0u);
}

TEST_F(PosixFileSystemTest, ErrorsAreMapped) {
  EXPECT_TRUE(absl::IsNotFound(fs_.ReadFile(Path("missing")).status()));
  EXPECT_TRUE(absl::IsNotFound(fs_.NewRandomAccessFile(Path("missing")).status()));
  EXPECT_TRUE(absl::IsNotFound(fs_.Remove(Path("missing"))));
  EXPECT_TRUE(absl::IsNotFound(fs_.FileSize(Path("missing")).status()));
  EXPECT_TRUE(absl::IsNotFound(fs_.ListDir(Path("missing")).status()));
  EXPECT_TRUE(absl::IsNotFound(fs_.NewWritableFile(Path("missing/f")).status()));
  // A file where a directory is expected is neither "not found" nor "disk full".
  ASSERT_TRUE(fs_.NewWritableFile(Path("file")).ok());
  const absl::Status s = fs_.CreateDirs(Path("file/sub"));
  EXPECT_TRUE(absl::IsInternal(s)) << s;
  EXPECT_THAT(std::string(s.message()), ::testing::HasSubstr(Path("file")));
}

// /dev/full answers every write with ENOSPC: the mapping the WAL relies on for 503s.
TEST_F(PosixFileSystemTest, EnospcIsResourceExhausted) {
  if (!fs_.Exists("/dev/full")) GTEST_SKIP() << "no /dev/full";
  auto f = fs_.NewAppendableFile("/dev/full");
  if (!f.ok()) GTEST_SKIP() << f.status();
  const absl::Status s = (*f)->Append("x");
  EXPECT_TRUE(absl::IsResourceExhausted(s)) << s;
  EXPECT_EQ(s.message(), "disk full: /dev/full");
}

}  // namespace
}  // namespace weft
