# Reads the pinned source versions of deploy/lean-versions, the one place they are written,
# into TMON_OPENSSL_SOURCE_VERSION, TMON_CURL_SOURCE_VERSION and TMON_CAF_SOURCE_VERSION.
set(tmon_lean_versions_file "${CMAKE_CURRENT_LIST_DIR}/../deploy/lean-versions")
file(STRINGS "${tmon_lean_versions_file}" tmon_lean_versions REGEX "^[A-Z_]+=")
foreach(line IN LISTS tmon_lean_versions)
  if(line MATCHES "^OPENSSL_SOURCE_VERSION=(.+)$")
    set(TMON_OPENSSL_SOURCE_VERSION "${CMAKE_MATCH_1}")
  elseif(line MATCHES "^CURL_SOURCE_VERSION=(.+)$")
    set(TMON_CURL_SOURCE_VERSION "${CMAKE_MATCH_1}")
  elseif(line MATCHES "^CAF_SOURCE_VERSION=(.+)$")
    set(TMON_CAF_SOURCE_VERSION "${CMAKE_MATCH_1}")
  endif()
endforeach()
if(NOT TMON_OPENSSL_SOURCE_VERSION OR NOT TMON_CURL_SOURCE_VERSION OR NOT TMON_CAF_SOURCE_VERSION)
  message(FATAL_ERROR "${tmon_lean_versions_file} names no OPENSSL_SOURCE_VERSION, "
                      "CURL_SOURCE_VERSION or CAF_SOURCE_VERSION")
endif()
# A rerun of cmake follows a changed pin.
set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS "${tmon_lean_versions_file}")
