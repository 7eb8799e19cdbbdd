/* The SwiftKerasCHeader target only makes include/swiftkeras.h importable from Swift (see
 * include/module.modulemap); SwiftPM needs one source file in a C target, and compiling the
 * header here also checks it as the library's own C. Nothing is defined. */
#include "../../include/swiftkeras.h"
