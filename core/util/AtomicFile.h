#pragma once
// Replacing a file or a directory all at once: the new content is written beside the target (TARGET.partial),
// made durable, and renamed over it, so a crash, a full disk or a cancel leaves either the old target or the
// whole new one, never half of it. Failures throw Error naming the file and the reason (see systemError).
#include <cstdio>
#include <filesystem>
#include <functional>
#include <string>
#include <string_view>

namespace distillery {

/// One file written to TARGET.partial and renamed onto TARGET by commit(). Destroyed without commit() (an
/// exception on the way), it removes the temporary and leaves the target as it was.
class AtomicFile {
public:
  /// Creates (truncates) target.partial; what starts the error messages ("cannot write" -> "cannot write
  /// <file>: <reason>").
  explicit AtomicFile(std::filesystem::path target, std::string what = "cannot write");
  AtomicFile(const AtomicFile&) = delete;
  AtomicFile& operator=(const AtomicFile&) = delete;
  ~AtomicFile();

  /// Appends bytes; throws Error naming the temporary file and the reason.
  void write(std::string_view bytes);
  /// The open temporary file, for writers that take a FILE* (faiss); check their result, then call fail()
  /// or commit().
  std::FILE* file() { return file_; }
  /// Throws Error naming the temporary file and the reason errno gives (after a failed write through file()).
  [[noreturn]] void fail();
  /// Flushes, fsyncs and closes the temporary, each checked, then renames it onto the target.
  void commit();

  const std::filesystem::path& target() const { return target_; }
  const std::filesystem::path& temporary() const { return temporary_; }

private:
  std::filesystem::path target_;
  std::filesystem::path temporary_;
  std::string what_;
  std::FILE* file_ = nullptr;
};

/// Writes (replaces) target with contents through an AtomicFile.
void writeFileAtomically(const std::filesystem::path& target, std::string_view contents);

/// Builds a directory at once: build(DIR.partial) fills a fresh DIR.partial (any left from an earlier crash is
/// removed first), which then replaces directory. When build throws, DIR.partial is removed, directory is left
/// as it was and the exception passes on.
void buildDirectoryAtomically(const std::filesystem::path& directory,
                              const std::function<void(const std::filesystem::path& partial)>& build);

/// The temporary beside target that AtomicFile and buildDirectoryAtomically write: "<target>.partial".
std::filesystem::path partialPathOf(const std::filesystem::path& target);

} // namespace distillery
