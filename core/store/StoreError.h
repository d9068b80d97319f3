#pragma once
#include "core/util/Error.h"

namespace distillery::store {

/// SQLite refused an operation, or a file is not a usable experiment store.
class StoreError : public Error {
public:
  using Error::Error;
};

} // namespace distillery::store
