/**
 * `guessType`: a file's mimetype and content encoding from its name, as Python's
 * `mimetypes.guess_type` answers with its built-in tables (not the host's `mime.types`).
 *
 * @module
 */

/**
 * Python 3.11's strict `mimetypes.types_map` defaults, keyed by lower-case extension.
 * Data, not code: regenerate with
 * `python3 -c "import mimetypes; print(mimetypes.MimeTypes(filenames=()).types_map[True])"`.
 */
const TYPES_MAP: Readonly<Record<string, string>> = {
  ".3g2": "audio/3gpp2",
  ".3gp": "audio/3gpp",
  ".3gpp": "audio/3gpp",
  ".3gpp2": "audio/3gpp2",
  ".a": "application/octet-stream",
  ".aac": "audio/aac",
  ".adts": "audio/aac",
  ".ai": "application/postscript",
  ".aif": "audio/x-aiff",
  ".aifc": "audio/x-aiff",
  ".aiff": "audio/x-aiff",
  ".ass": "audio/aac",
  ".au": "audio/basic",
  ".avi": "video/x-msvideo",
  ".avif": "image/avif",
  ".bat": "text/plain",
  ".bcpio": "application/x-bcpio",
  ".bin": "application/octet-stream",
  ".bmp": "image/bmp",
  ".c": "text/plain",
  ".cdf": "application/x-netcdf",
  ".cpio": "application/x-cpio",
  ".csh": "application/x-csh",
  ".css": "text/css",
  ".csv": "text/csv",
  ".dll": "application/octet-stream",
  ".doc": "application/msword",
  ".dot": "application/msword",
  ".dvi": "application/x-dvi",
  ".eml": "message/rfc822",
  ".eps": "application/postscript",
  ".etx": "text/x-setext",
  ".exe": "application/octet-stream",
  ".gif": "image/gif",
  ".gtar": "application/x-gtar",
  ".h": "text/plain",
  ".h5": "application/x-hdf5",
  ".hdf": "application/x-hdf",
  ".heic": "image/heic",
  ".heif": "image/heif",
  ".htm": "text/html",
  ".html": "text/html",
  ".ico": "image/vnd.microsoft.icon",
  ".ief": "image/ief",
  ".jpe": "image/jpeg",
  ".jpeg": "image/jpeg",
  ".jpg": "image/jpeg",
  ".js": "application/javascript",
  ".json": "application/json",
  ".ksh": "text/plain",
  ".latex": "application/x-latex",
  ".loas": "audio/aac",
  ".m1v": "video/mpeg",
  ".m3u": "application/vnd.apple.mpegurl",
  ".m3u8": "application/vnd.apple.mpegurl",
  ".man": "application/x-troff-man",
  ".me": "application/x-troff-me",
  ".mht": "message/rfc822",
  ".mhtml": "message/rfc822",
  ".mif": "application/x-mif",
  ".mjs": "application/javascript",
  ".mov": "video/quicktime",
  ".movie": "video/x-sgi-movie",
  ".mp2": "audio/mpeg",
  ".mp3": "audio/mpeg",
  ".mp4": "video/mp4",
  ".mpa": "video/mpeg",
  ".mpe": "video/mpeg",
  ".mpeg": "video/mpeg",
  ".mpg": "video/mpeg",
  ".ms": "application/x-troff-ms",
  ".n3": "text/n3",
  ".nc": "application/x-netcdf",
  ".nq": "application/n-quads",
  ".nt": "application/n-triples",
  ".nws": "message/rfc822",
  ".o": "application/octet-stream",
  ".obj": "application/octet-stream",
  ".oda": "application/oda",
  ".opus": "audio/opus",
  ".p12": "application/x-pkcs12",
  ".p7c": "application/pkcs7-mime",
  ".pbm": "image/x-portable-bitmap",
  ".pdf": "application/pdf",
  ".pfx": "application/x-pkcs12",
  ".pgm": "image/x-portable-graymap",
  ".pl": "text/plain",
  ".png": "image/png",
  ".pnm": "image/x-portable-anymap",
  ".pot": "application/vnd.ms-powerpoint",
  ".ppa": "application/vnd.ms-powerpoint",
  ".ppm": "image/x-portable-pixmap",
  ".pps": "application/vnd.ms-powerpoint",
  ".ppt": "application/vnd.ms-powerpoint",
  ".ps": "application/postscript",
  ".pwz": "application/vnd.ms-powerpoint",
  ".py": "text/x-python",
  ".pyc": "application/x-python-code",
  ".pyo": "application/x-python-code",
  ".qt": "video/quicktime",
  ".ra": "audio/x-pn-realaudio",
  ".ram": "application/x-pn-realaudio",
  ".ras": "image/x-cmu-raster",
  ".rdf": "application/xml",
  ".rgb": "image/x-rgb",
  ".roff": "application/x-troff",
  ".rtx": "text/richtext",
  ".sgm": "text/x-sgml",
  ".sgml": "text/x-sgml",
  ".sh": "application/x-sh",
  ".shar": "application/x-shar",
  ".snd": "audio/basic",
  ".so": "application/octet-stream",
  ".src": "application/x-wais-source",
  ".srt": "text/plain",
  ".sv4cpio": "application/x-sv4cpio",
  ".sv4crc": "application/x-sv4crc",
  ".svg": "image/svg+xml",
  ".swf": "application/x-shockwave-flash",
  ".t": "application/x-troff",
  ".tar": "application/x-tar",
  ".tcl": "application/x-tcl",
  ".tex": "application/x-tex",
  ".texi": "application/x-texinfo",
  ".texinfo": "application/x-texinfo",
  ".tif": "image/tiff",
  ".tiff": "image/tiff",
  ".tr": "application/x-troff",
  ".trig": "application/trig",
  ".tsv": "text/tab-separated-values",
  ".txt": "text/plain",
  ".ustar": "application/x-ustar",
  ".vcf": "text/x-vcard",
  ".vtt": "text/vtt",
  ".wasm": "application/wasm",
  ".wav": "audio/x-wav",
  ".webm": "video/webm",
  ".webmanifest": "application/manifest+json",
  ".wiz": "application/msword",
  ".wsdl": "application/xml",
  ".xbm": "image/x-xbitmap",
  ".xlb": "application/vnd.ms-excel",
  ".xls": "application/vnd.ms-excel",
  ".xml": "text/xml",
  ".xpdl": "application/xml",
  ".xpm": "image/x-xpixmap",
  ".xsl": "application/xml",
  ".xwd": "image/x-xwindowdump",
  ".zip": "application/zip",
};

/** Suffixes that stand for two (`.tgz` is `.tar.gz`); looked up lower-cased, as Python does. */
const SUFFIX_MAP: Readonly<Record<string, string>> = {
  ".svgz": ".svg.gz",
  ".taz": ".tar.gz",
  ".tbz2": ".tar.bz2",
  ".tgz": ".tar.gz",
  ".txz": ".tar.xz",
  ".tz": ".tar.gz",
};

/** Content encodings; looked up case-sensitively (`.Z` is compress, `.z` is nothing). */
const ENCODINGS_MAP: Readonly<Record<string, string>> = {
  ".Z": "compress",
  ".br": "br",
  ".bz2": "bzip2",
  ".gz": "gzip",
  ".xz": "xz",
};

/** Python's `posixpath.splitext`: leading dots of the last segment belong to the stem. */
function splitext(path: string): [string, string] {
  const dot = path.lastIndexOf(".");
  const slash = path.lastIndexOf("/");
  if (dot > slash) {
    for (let i = slash + 1; i < dot; i++) {
      if (path[i] !== ".") return [path.slice(0, dot), path.slice(dot)];
    }
  }
  return [path, ""];
}

// urllib.parse._splittype: a "scheme:" prefix (no "/" before the colon) is cut off first.
const SCHEME_RE = /^([^/:]+):/;

/**
 * Guesses a file's mimetype and content encoding from its name, as Python's
 * `mimetypes.guess_type(path)` does with its built-in (strict) tables: `.tgz`-style
 * suffixes expand first, then an encoding suffix (`.gz`, `.br`, `.Z`, case-sensitive) is
 * peeled off, then the type is looked up by the lower-cased extension. A `data:` URL
 * yields its declared type. Query strings and fragments are not stripped, so
 * `"a.css?v=1"` has no type, as in Python.
 *
 * @param path A file name, path or URL path.
 * @returns `[type, encoding]`, each `null` when unknown.
 *
 * @example Guessing types
 * ```ts
 * import { guessType } from "@phial/phial";
 * guessType("style.css"); // ["text/css", null]
 * guessType("backup.tar.gz"); // ["application/x-tar", "gzip"]
 * guessType("LOGO.PNG"); // ["image/png", null]
 * guessType("README"); // [null, null]
 * ```
 */
export function guessType(path: string): [type: string | null, encoding: string | null] {
  let url = path;
  const scheme = SCHEME_RE.exec(url);
  if (scheme !== null) {
    url = url.slice(scheme[0].length);
    if (scheme[1]!.toLowerCase() === "data") return dataUrlType(url);
  }
  let [base, ext] = splitext(url);
  while (Object.hasOwn(SUFFIX_MAP, ext.toLowerCase())) {
    [base, ext] = splitext(base + SUFFIX_MAP[ext.toLowerCase()]!);
  }
  let encoding: string | null = null;
  if (Object.hasOwn(ENCODINGS_MAP, ext)) {
    encoding = ENCODINGS_MAP[ext]!;
    [base, ext] = splitext(base);
  }
  const lower = ext.toLowerCase();
  return [Object.hasOwn(TYPES_MAP, lower) ? TYPES_MAP[lower]! : null, encoding];
}

/** The mediatype of a `data:` URL (without the scheme), `text/plain` when it has none. */
function dataUrlType(url: string): [string | null, null] {
  const comma = url.indexOf(",");
  if (comma < 0) return [null, null];
  const semi = url.indexOf(";");
  let type = url.slice(0, semi >= 0 && semi < comma ? semi : comma);
  if (type.includes("=") || !type.includes("/")) type = "text/plain";
  return [type, null];
}
