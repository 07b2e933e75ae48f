// Anchors the storage room's library; the interface itself is header-only.
#include "storage/span_store.h"
