// The translation unit of libweft_sdk.so itself: everything else comes from weft_sdk_core (linked
// whole) and the rooms below it. Nothing to declare; the file exists because a library target
// needs a source.
// Thread rule: none.
namespace weft::sdk_library {
int version_major = 0;
}  // namespace weft::sdk_library
