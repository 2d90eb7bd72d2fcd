// Child processes: start one in its own process group with a prepared
// environment, wait for any of them with a deadline, kill a whole group.
//
// The runner is single-threaded.  SIGCHLD, SIGINT and SIGTERM are blocked in
// the runner and collected with sigtimedwait, so waiting for "a child exited
// or the earliest deadline passed or the user pressed ^C" is one call, with
// no signal handler and no race.  Children get a clean signal mask.
#pragma once

#include <sys/types.h>
#include <unistd.h>

#include <chrono>
#include <optional>
#include <string>
#include <vector>

namespace nke::runner {

using Clock = std::chrono::steady_clock;

struct SpawnSpec {
    std::vector<std::string> argv;
    std::vector<std::string> env;  // complete environment, "NAME=value"
    std::string cwd;               // empty: inherit
    std::string stdout_path;       // empty: /dev/null
    std::string stderr_path;       // empty: same file as stdout
};

// Block SIGCHLD, SIGINT and SIGTERM for the runner (call once, early).
void block_runner_signals();

// True once SIGINT or SIGTERM arrived.
bool interrupted();

// Start the child in a new process group (its pid).  Returns -1 and sets
// *error when fork fails; an exec failure shows as exit status 127 with the
// reason in the output file.
pid_t spawn(const SpawnSpec &spec, std::string *error);

// Fork a child that runs fn() in a new process group and _exit()s with its
// return value (no exec).  Same signal handling as spawn.
template <typename Fn>
pid_t fork_call(Fn &&fn);

struct Exited {
    pid_t pid;
    int status;  // as from waitpid
};

// Reap every child that has exited; if none has, wait until one does, the
// deadline passes or the runner is interrupted.  Returns the reaped ones
// (possibly none).
std::vector<Exited> wait_children(std::optional<Clock::time_point> deadline);

// Wait for one specific child until the deadline; std::nullopt on timeout or
// interruption (the child is still running then).
std::optional<int> wait_child(pid_t pid, Clock::time_point deadline);

// SIGKILL the whole process group (ignores a group that is already gone).
void kill_group(pid_t pgid);

// "SIGSEGV" for 11, or "signal 70".
std::string signal_name(int sig);

// Describe a waitpid status: "exit status 1", "killed by SIGSEGV".
std::string describe_status(int status);

// Prepare the child side of fork_call / spawn: new process group, default
// signal mask and dispositions, umask 022, no core files.
void child_setup();

template <typename Fn>
pid_t fork_call(Fn &&fn) {
    const pid_t pid = ::fork();
    if (pid == 0) {
        child_setup();
        ::_exit(fn());
    }
    if (pid > 0) ::setpgid(pid, pid);
    return pid;
}

}  // namespace nke::runner
