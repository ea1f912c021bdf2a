// ThreadSanitizer only sees the synchronisation of instrumented code, and Debian's
// libcaf_core is not instrumented. Two of its mechanisms order memory between threads where
// ThreadSanitizer cannot see it, so without this file every message and every actor's end
// is reported as a data race:
//   - the lock-free mailbox, which hands a message from the thread that sends it to the
//     thread that runs the receiver;
//   - the reference counts of actor handles, whose last release destroys the actor.
// Compiled into the programs of a thread-sanitizer build only, this file takes the place of
// the CAF 0.17.6 functions at those points (the linker prefers a program's own definition,
// for calls from libcaf_core too) and tells ThreadSanitizer about the ordering they provide:
// no more than CAF guarantees, so memory that threads share any other way is still checked,
// as the race a test program with two actors bumping one plain int shows.

#include <cstdio>
#include <cstdlib>
#include <utility>

#include <dlfcn.h>
#include <sanitizer/tsan_interface.h>

#include <caf/actor_control_block.hpp>
#include <caf/blocking_actor.hpp>
#include <caf/scheduled_actor.hpp>

namespace {

// libcaf_core's own definition of the function that `mangled_name` names.
template <class Function>
Function caf_definition(const char* mangled_name) {
  void* found = dlsym(RTLD_NEXT, mangled_name);
  if (found == nullptr) {
    std::fprintf(stderr, "%s is not in libcaf_core: the CAF version changed\n", mangled_name);
    std::abort();
  }
  return reinterpret_cast<Function>(found);
}

} // namespace

// ---- messages -----------------------------------------------------------------------------

// A message leaves its sender here, for an actor on the scheduler or on a thread of its own...
void caf::scheduled_actor::enqueue(mailbox_element_ptr element, execution_unit* host) {
  using function = void (*)(scheduled_actor*, mailbox_element_ptr, execution_unit*);
  static const auto caf_enqueue = caf_definition<function>(
    "_ZN3caf15scheduled_actor7enqueueESt10unique_ptrINS_15mailbox_elementENS_6detail8"
    "disposerEEPNS_14execution_unitE");
  __tsan_release(element.get());
  caf_enqueue(this, std::move(element), host);
}

// ...and reaches its receiver here.
caf::invoke_message_result caf::scheduled_actor::consume(mailbox_element& element) {
  using function = invoke_message_result (*)(scheduled_actor*, mailbox_element&);
  static const auto caf_consume = caf_definition<function>(
    "_ZN3caf15scheduled_actor7consumeERNS_15mailbox_elementE");
  __tsan_acquire(&element);
  return caf_consume(this, element);
}

// A blocking actor (main's scoped_actor) takes its messages inside libcaf_core, with no call
// per message to stand in for; it waits in await_data before each batch it takes, so the
// actor stands for all of its messages.
void caf::blocking_actor::enqueue(mailbox_element_ptr element, execution_unit* host) {
  using function = void (*)(blocking_actor*, mailbox_element_ptr, execution_unit*);
  static const auto caf_enqueue = caf_definition<function>(
    "_ZN3caf14blocking_actor7enqueueESt10unique_ptrINS_15mailbox_elementENS_6detail8"
    "disposerEEPNS_14execution_unitE");
  __tsan_release(this);
  caf_enqueue(this, std::move(element), host);
}

void caf::blocking_actor::await_data() {
  using function = void (*)(blocking_actor*);
  static const auto caf_await_data = caf_definition<function>(
    "_ZN3caf14blocking_actor10await_dataEv");
  caf_await_data(this);
  __tsan_acquire(this);
}

bool caf::blocking_actor::await_data(timeout_type timeout) {
  using function = bool (*)(blocking_actor*, timeout_type);
  static const auto caf_await_data = caf_definition<function>(
    "_ZN3caf14blocking_actor10await_dataENSt6chrono10time_pointINS1_3_V212system_clockENS1_8"
    "durationIlSt5ratioILl1ELl1000000000EEEEEE");
  const bool has_data = caf_await_data(this, timeout);
  __tsan_acquire(this);
  return has_data;
}

// ---- actor handles ------------------------------------------------------------------------

// The last strong reference destroys the actor, the last weak one frees its memory. These
// are CAF 0.17.6's two functions, step for step as its machine code does them, compiled
// where ThreadSanitizer sees the counting.
void caf::intrusive_ptr_release(actor_control_block* block) {
  if (block->strong_refs.fetch_sub(1) == 1) {
    block->data_dtor(block->get());
    intrusive_ptr_release_weak(block);
  }
}

void caf::intrusive_ptr_release_weak(actor_control_block* block) {
  if (block->weak_refs == 1 || block->weak_refs.fetch_sub(1) == 1)
    block->block_dtor(block);
}
