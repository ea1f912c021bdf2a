// Reading and replacing whole files. A failure is a sentence naming the step and the path,
// then the system's reason: "cannot open PATH: No such file or directory".
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "common/outcome.hpp"

namespace tmon {

// "cannot ACTION PATH: reason", the reason being the system's text for `error_number` (an
// errno value): "cannot open /x: No such file or directory".
std::string cannot_sentence(const std::string& action, const std::string& path, int error_number);

// The whole content of the file at `path`, read to its end rather than to the size it
// shows, which is zero for the files under /proc. A FIFO without a writer reads as empty
// rather than blocking. Fails with "cannot open PATH: reason" or "cannot read PATH: reason".
outcome<std::string> read_file(const std::string& path);

// As read_file, except that a file that does not exist is no failure: there is no text then.
outcome<std::optional<std::string>> read_file_if_present(const std::string& path);

// Replaces the file at `path` with `text` so that after a crash or a power loss it holds
// either the old text or the new one, never a mix: the text is written and synced to
// `path`.tmp, renamed over `path`, and the directory is synced. On failure `path` is left as
// it was, `path`.tmp is removed, and the error names the step ("cannot create", "cannot
// write", "cannot sync", "cannot close", "cannot rename", "cannot open the directory",
// "cannot sync the directory"). The file is readable by everyone (0644 less the umask): the
// files written this way hold no secret.
outcome<void> replace_file(const std::string& path, std::string_view text);

// Removes the file at `path`; no failure when there is none. Fails with "cannot remove PATH:
// reason".
outcome<void> remove_file_if_present(const std::string& path);

} // namespace tmon
