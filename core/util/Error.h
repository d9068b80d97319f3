#pragma once
// Exceptions thrown by core. Each message names what failed and where (file, line, field, table),
// so the CLI can print it as one line and the GUI can show it in a dialog unchanged.
#include <stdexcept>
#include <string>

namespace distillery {

/// Base of every error core throws on purpose.
class Error : public std::runtime_error {
public:
  using std::runtime_error::runtime_error;
};

/// Bad input from outside: a file, a config, a command-line value. Never a bug in Distillery.
class InputError : public Error {
public:
  using Error::Error;
};

/// The operation was cancelled through its stop token; what was committed before stays.
class Cancelled : public Error {
public:
  Cancelled() : Error("cancelled") {}
};

} // namespace distillery
