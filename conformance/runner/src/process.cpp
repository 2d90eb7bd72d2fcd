#include "process.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace nke::runner {
namespace {

bool g_interrupted = false;

sigset_t runner_signals() {
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGCHLD);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGTERM);
    return set;
}

// Wait for one of the runner's signals until the deadline.
void wait_signal(std::optional<Clock::time_point> deadline) {
    const sigset_t set = runner_signals();
    timespec ts{};
    timespec *tsp = nullptr;
    if (deadline) {
        auto left = *deadline - Clock::now();
        if (left < Clock::duration::zero()) left = Clock::duration::zero();
        const auto ns = std::chrono::duration_cast<std::chrono::nanoseconds>(left).count();
        ts.tv_sec = static_cast<time_t>(ns / 1000000000);
        ts.tv_nsec = static_cast<long>(ns % 1000000000);
        tsp = &ts;
    }
    const int sig = tsp ? ::sigtimedwait(&set, nullptr, tsp) : ::sigwaitinfo(&set, nullptr);
    if (sig == SIGINT || sig == SIGTERM) g_interrupted = true;
}

}  // namespace

void block_runner_signals() {
    const sigset_t set = runner_signals();
    ::sigprocmask(SIG_BLOCK, &set, nullptr);
}

bool interrupted() { return g_interrupted; }

void child_setup() {
    ::setpgid(0, 0);
    sigset_t none;
    sigemptyset(&none);
    ::sigprocmask(SIG_SETMASK, &none, nullptr);
    for (int sig : {SIGPIPE, SIGINT, SIGTERM, SIGCHLD, SIGQUIT, SIGHUP}) ::signal(sig, SIG_DFL);
    ::umask(022);
    // A crash control makes hundreds of tests crash: no core files.
    const rlimit no_core{0, 0};
    ::setrlimit(RLIMIT_CORE, &no_core);
}

pid_t spawn(const SpawnSpec &spec, std::string *error) {
    // Everything the child needs is prepared before fork.
    std::vector<char *> argv, envp;
    for (const auto &a : spec.argv) argv.push_back(const_cast<char *>(a.c_str()));
    argv.push_back(nullptr);
    for (const auto &e : spec.env) envp.push_back(const_cast<char *>(e.c_str()));
    envp.push_back(nullptr);
    const char *out = spec.stdout_path.empty() ? "/dev/null" : spec.stdout_path.c_str();
    const char *err = spec.stderr_path.empty() ? nullptr : spec.stderr_path.c_str();
    const char *cwd = spec.cwd.empty() ? nullptr : spec.cwd.c_str();

    const pid_t pid = ::fork();
    if (pid < 0) {
        if (error) *error = std::string("fork: ") + std::strerror(errno);
        return -1;
    }
    if (pid == 0) {
        child_setup();
        const int in = ::open("/dev/null", O_RDONLY);
        if (in >= 0) ::dup2(in, 0);
        const int fd = ::open(out, O_WRONLY | O_CREAT | O_TRUNC | O_APPEND, 0644);
        if (fd >= 0) {
            ::dup2(fd, 1);
            if (!err) ::dup2(fd, 2);
        }
        if (err) {
            const int efd = ::open(err, O_WRONLY | O_CREAT | O_TRUNC | O_APPEND, 0644);
            if (efd >= 0) ::dup2(efd, 2);
        }
        if (cwd && ::chdir(cwd) != 0) {
            const char msg[] = "nke-conformance: cannot enter the scratch directory\n";
            (void)!::write(2, msg, sizeof msg - 1);
            ::_exit(127);
        }
        ::execve(argv[0], argv.data(), envp.data());
        const char *why = std::strerror(errno);
        const char msg[] = "nke-conformance: cannot execute the suite binary: ";
        (void)!::write(2, msg, sizeof msg - 1);
        (void)!::write(2, why, std::strlen(why));
        (void)!::write(2, "\n", 1);
        ::_exit(127);
    }
    ::setpgid(pid, pid);  // also done by the child: whichever runs first wins
    return pid;
}

std::vector<Exited> wait_children(std::optional<Clock::time_point> deadline) {
    std::vector<Exited> out;
    for (int round = 0; round < 2; ++round) {
        while (true) {
            int status = 0;
            const pid_t pid = ::waitpid(-1, &status, WNOHANG);
            if (pid <= 0) break;
            out.push_back({pid, status});
        }
        if (!out.empty() || round == 1 || g_interrupted) break;
        wait_signal(deadline);
    }
    return out;
}

std::optional<int> wait_child(pid_t pid, Clock::time_point deadline) {
    while (true) {
        int status = 0;
        const pid_t r = ::waitpid(pid, &status, WNOHANG);
        if (r == pid) return status;
        if (r < 0 && errno != EINTR) return std::nullopt;
        if (g_interrupted || Clock::now() >= deadline) return std::nullopt;
        wait_signal(deadline);
    }
}

void kill_group(pid_t pgid) {
    if (pgid > 0) ::kill(-pgid, SIGKILL);
}

std::string signal_name(int sig) {
#if defined(__GLIBC__) && (__GLIBC__ > 2 || (__GLIBC__ == 2 && __GLIBC_MINOR__ >= 32))
    if (const char *abbrev = ::sigabbrev_np(sig)) return std::string("SIG") + abbrev;
#endif
    return "signal " + std::to_string(sig);
}

std::string describe_status(int status) {
    if (WIFSIGNALED(status)) return "killed by " + signal_name(WTERMSIG(status));
    if (WIFEXITED(status)) return "exit status " + std::to_string(WEXITSTATUS(status));
    return "status " + std::to_string(status);
}

}  // namespace nke::runner
