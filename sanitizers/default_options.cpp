// The options every program of a sanitizer build starts with. They are compiled in rather
// than read from the environment because the end-to-end tests start the monitor with an
// environment of their own; ASAN_OPTIONS and the like, when set, still add to them.
//
// A finding stops the program with status 66, which no program of the project uses, so a
// test that expects a failing status (1 or 2) cannot mistake a finding for it.

extern "C" {

const char* __asan_default_options() {
  return "exitcode=66:detect_stack_use_after_return=1:check_initialization_order=1:"
         "strict_init_order=1:detect_leaks=1";
}

const char* __ubsan_default_options() {
  return "exitcode=66:halt_on_error=1:print_stacktrace=1";
}

const char* __tsan_default_options() {
  return "exitcode=66:halt_on_error=1:second_deadlock_stack=1";
}

// One entry per line, each for frames outside the project's code.
const char* __tsan_default_suppressions() {
  // libfaketime, which the clock-fault tests load into the monitor, re-reads its settings
  // into unguarded globals whenever any thread asks for the time: a race inside that test
  // tool, reached only through the C library calls it makes itself. Its thread-safe variant,
  // which the tests load, destroys its own lock in its destructor at exit, while a thread of
  // the actor system that has stopped may still be unwinding and call into it.
  return "called_from_lib:libfaketime.so.1\n"
         "called_from_lib:libfaketimeMT.so.1\n";
}

} // extern "C"
