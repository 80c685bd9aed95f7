// A small harness for the graph executor's C++ tests: GRAPH_TEST(name)
// defines a case, the test program runs one case by name (pytest runs each
// as a test of its own, tests/graph/conftest.py), CHECK fails it, and
// expectRefusal runs a step that must throw, checking the message.
#pragma once

#include <functional>
#include <initializer_list>
#include <iostream>
#include <stdexcept>
#include <string>
#include <vector>

namespace graphtest {

struct TestFailure : std::runtime_error {
  using std::runtime_error::runtime_error;
};

struct TestCase {
  const char *name;
  void (*body)();
};

std::vector<TestCase> &testCases();

struct Registration {
  Registration(const char *name, void (*body)()) {
    testCases().push_back({name, body});
  }
};

#define GRAPH_TEST(name)                                                       \
  static void name();                                                          \
  static const ::graphtest::Registration name##_registration(#name, name);     \
  static void name()

[[noreturn]] void fail(const std::string &message, const char *file, int line);

#define CHECK(condition)                                                       \
  ((condition) ? (void)0                                                       \
               : ::graphtest::fail("CHECK(" #condition ") failed", __FILE__, __LINE__))

#define CHECK_EQ(a, b)                                                         \
  (((a) == (b)) ? (void)0                                                      \
                : ::graphtest::fail("CHECK_EQ(" #a ", " #b "): " +            \
                                        ::graphtest::show(a) + " != " +       \
                                        ::graphtest::show(b),                  \
                                    __FILE__, __LINE__))

template <typename T> std::string show(const T &value) {
  if constexpr (std::is_arithmetic_v<T>)
    return std::to_string(value);
  else
    return std::string(value);
}

// Runs `step`, which must throw an E whose message contains every one of
// `words`; prints the message (pytest shows it with -s) and returns it.
template <typename E>
std::string expectRefusal(const std::function<void()> &step,
                          std::initializer_list<std::string> words) {
  try {
    step();
  } catch (const E &e) {
    const std::string message = e.what();
    std::cout << "refused as expected: " << message << "\n";
    for (const std::string &word : words)
      if (message.find(word) == std::string::npos)
        throw TestFailure("the refusal does not say \"" + word + "\": " + message);
    return message;
  }
  throw TestFailure("expected a refusal; nothing was thrown");
}

} // namespace graphtest
