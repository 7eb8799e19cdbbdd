/* The C API's tagged scalar (include/swiftkeras/scalar.h), made visible to Swift through this
 * module so the @_cdecl shims in Sources/SwiftKerasC take it by value with the C layout. */
#include "../../../include/swiftkeras/scalar.h"
