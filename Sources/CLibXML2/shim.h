// libxml2 for desm's topic reader.
// Debian's libxml2 is built with ICU; its headers would then pull in the system's ICU, which
// clashes with the ICU bundled in Swift's Foundation. desm never touches libxml2's encoding
// handler structs, so ICU support is hidden from the headers.
#include <libxml/xmlversion.h>
#undef LIBXML_ICU_ENABLED
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xmlerror.h>
