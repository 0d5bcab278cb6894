// The header holds the one inline function; SwiftPM needs a source file in a C target.
#include "prefetch.h"
