/**
 * `Content-Security-Policy`: `ContentSecurityPolicy`, an ordered set of directives with
 * Werkzeug's CSP level 3 accessors in camelCase, and `parseCspHeader` / `dumpCspHeader`.
 *
 * @module
 */

/**
 * The directives of a `Content-Security-Policy` header, in order (Werkzeug's
 * `ContentSecurityPolicy`): `default-src 'self'; img-src *` is `defaultSrc` and
 * `imgSrc`. `onUpdate` runs after every change, so a response can keep its header in step.
 * Directive names are kept as sent (case-sensitive, as in Werkzeug's dict).
 *
 * @example Building a policy
 * ```ts
 * import { ContentSecurityPolicy } from "@phial/phial";
 * const csp = new ContentSecurityPolicy();
 * csp.defaultSrc = "'self'";
 * csp.imgSrc = "*";
 * csp.toHeader(); // "default-src 'self'; img-src *"
 * ```
 */
export class ContentSecurityPolicy implements Iterable<[string, string]> {
  /** Whether values were given (false only when created from `null`). */
  readonly provided: boolean;
  /** Called after each change. */
  onUpdate: ((csp: ContentSecurityPolicy) => void) | null;
  #values: Map<string, string>;

  /**
   * Creates the policy; `onUpdate` runs after each later change.
   *
   * @param values The directives: a record or `[directive, value]` pairs (`null`: not
   *   provided).
   * @param onUpdate Called after each change.
   */
  constructor(
    values?: Record<string, string> | Iterable<readonly [string, string]> | null,
    onUpdate: ((csp: ContentSecurityPolicy) => void) | null = null,
  ) {
    this.provided = values !== null;
    this.#values = new Map(
      values === null || values === undefined
        ? []
        : Symbol.iterator in Object(values)
        ? values as Iterable<readonly [string, string]>
        : Object.entries(values as Record<string, string>),
    );
    this.onUpdate = onUpdate;
  }

  /** A directive's value, or `null` when absent. */
  get(directive: string): string | null {
    return this.#values.get(directive) ?? null;
  }

  /** Whether the directive is present. */
  has(directive: string): boolean {
    return this.#values.has(directive);
  }

  /** Sets a directive; `null` removes it. */
  set(directive: string, value: string | null): void {
    if (value === null) {
      this.delete(directive);
      return;
    }
    if (typeof value !== "string") {
      throw new TypeError(
        `Content-Security-Policy ${directive} must be a string or null, got ${typeof value}`,
      );
    }
    this.#values.set(directive, value);
    this.onUpdate?.(this);
  }

  /** Removes a directive; true if it was there. */
  delete(directive: string): boolean {
    const had = this.#values.delete(directive);
    if (had) this.onUpdate?.(this);
    return had;
  }

  /** Removes every directive. */
  clear(): void {
    this.#values.clear();
    this.onUpdate?.(this);
  }

  /** The number of directives. */
  get size(): number {
    return this.#values.size;
  }

  /** `[directive, value]` pairs in order. */
  [Symbol.iterator](): IterableIterator<[string, string]> {
    return this.#values.entries();
  }

  /** The header value: `directive value` pairs joined by `; `. */
  toHeader(): string {
    return dumpCspHeader(this);
  }

  /** The header value. */
  toString(): string {
    return this.toHeader();
  }

  /** `base-uri`, or `null`. */
  get baseUri(): string | null {
    return this.get("base-uri");
  }
  set baseUri(value: string | null) {
    this.set("base-uri", value);
  }
  /** `child-src`, or `null`. */
  get childSrc(): string | null {
    return this.get("child-src");
  }
  set childSrc(value: string | null) {
    this.set("child-src", value);
  }
  /** `connect-src`, or `null`. */
  get connectSrc(): string | null {
    return this.get("connect-src");
  }
  set connectSrc(value: string | null) {
    this.set("connect-src", value);
  }
  /** `default-src`, or `null`. */
  get defaultSrc(): string | null {
    return this.get("default-src");
  }
  set defaultSrc(value: string | null) {
    this.set("default-src", value);
  }
  /** `font-src`, or `null`. */
  get fontSrc(): string | null {
    return this.get("font-src");
  }
  set fontSrc(value: string | null) {
    this.set("font-src", value);
  }
  /** `form-action`, or `null`. */
  get formAction(): string | null {
    return this.get("form-action");
  }
  set formAction(value: string | null) {
    this.set("form-action", value);
  }
  /** `frame-ancestors`, or `null`. */
  get frameAncestors(): string | null {
    return this.get("frame-ancestors");
  }
  set frameAncestors(value: string | null) {
    this.set("frame-ancestors", value);
  }
  /** `frame-src`, or `null`. */
  get frameSrc(): string | null {
    return this.get("frame-src");
  }
  set frameSrc(value: string | null) {
    this.set("frame-src", value);
  }
  /** `img-src`, or `null`. */
  get imgSrc(): string | null {
    return this.get("img-src");
  }
  set imgSrc(value: string | null) {
    this.set("img-src", value);
  }
  /** `manifest-src`, or `null`. */
  get manifestSrc(): string | null {
    return this.get("manifest-src");
  }
  set manifestSrc(value: string | null) {
    this.set("manifest-src", value);
  }
  /** `media-src`, or `null`. */
  get mediaSrc(): string | null {
    return this.get("media-src");
  }
  set mediaSrc(value: string | null) {
    this.set("media-src", value);
  }
  /** `navigate-to`, or `null`. */
  get navigateTo(): string | null {
    return this.get("navigate-to");
  }
  set navigateTo(value: string | null) {
    this.set("navigate-to", value);
  }
  /** `object-src`, or `null`. */
  get objectSrc(): string | null {
    return this.get("object-src");
  }
  set objectSrc(value: string | null) {
    this.set("object-src", value);
  }
  /** `prefetch-src`, or `null`. */
  get prefetchSrc(): string | null {
    return this.get("prefetch-src");
  }
  set prefetchSrc(value: string | null) {
    this.set("prefetch-src", value);
  }
  /** `plugin-types`, or `null`. */
  get pluginTypes(): string | null {
    return this.get("plugin-types");
  }
  set pluginTypes(value: string | null) {
    this.set("plugin-types", value);
  }
  /** `report-to`, or `null`. */
  get reportTo(): string | null {
    return this.get("report-to");
  }
  set reportTo(value: string | null) {
    this.set("report-to", value);
  }
  /** `report-uri`, or `null`. */
  get reportUri(): string | null {
    return this.get("report-uri");
  }
  set reportUri(value: string | null) {
    this.set("report-uri", value);
  }
  /** `sandbox`, or `null`. */
  get sandbox(): string | null {
    return this.get("sandbox");
  }
  set sandbox(value: string | null) {
    this.set("sandbox", value);
  }
  /** `script-src`, or `null`. */
  get scriptSrc(): string | null {
    return this.get("script-src");
  }
  set scriptSrc(value: string | null) {
    this.set("script-src", value);
  }
  /** `script-src-attr`, or `null`. */
  get scriptSrcAttr(): string | null {
    return this.get("script-src-attr");
  }
  set scriptSrcAttr(value: string | null) {
    this.set("script-src-attr", value);
  }
  /** `script-src-elem`, or `null`. */
  get scriptSrcElem(): string | null {
    return this.get("script-src-elem");
  }
  set scriptSrcElem(value: string | null) {
    this.set("script-src-elem", value);
  }
  /** `style-src`, or `null`. */
  get styleSrc(): string | null {
    return this.get("style-src");
  }
  set styleSrc(value: string | null) {
    this.set("style-src", value);
  }
  /** `style-src-attr`, or `null`. */
  get styleSrcAttr(): string | null {
    return this.get("style-src-attr");
  }
  set styleSrcAttr(value: string | null) {
    this.set("style-src-attr", value);
  }
  /** `style-src-elem`, or `null`. */
  get styleSrcElem(): string | null {
    return this.get("style-src-elem");
  }
  set styleSrcElem(value: string | null) {
    this.set("style-src-elem", value);
  }
  /** `worker-src`, or `null`. */
  get workerSrc(): string | null {
    return this.get("worker-src");
  }
  set workerSrc(value: string | null) {
    this.set("worker-src", value);
  }
}

/**
 * Parses a `Content-Security-Policy` header (Werkzeug's `parse_csp_header`): policies are
 * split on `;`, each at its first space into directive and value; a policy without a
 * space is dropped.
 *
 * @example
 * ```ts
 * import { parseCspHeader } from "@phial/phial";
 * const csp = parseCspHeader("default-src 'self'; bad; img-src *");
 * csp.imgSrc; // "*"
 * csp.size;   // 2
 * ```
 *
 * @param value The header value; `null` or `undefined` gives an empty policy.
 * @param onUpdate Called after each change (responses keep their header in step).
 * @param cls The class to build (a subclass adding directives); `ContentSecurityPolicy`
 *   by default.
 * @returns The parsed policy.
 */
export function parseCspHeader<T extends ContentSecurityPolicy = ContentSecurityPolicy>(
  value: string | null | undefined,
  onUpdate: ((csp: ContentSecurityPolicy) => void) | null = null,
  cls?: new (
    values?: Iterable<readonly [string, string]> | null,
    onUpdate?: ((csp: ContentSecurityPolicy) => void) | null,
  ) => T,
): T {
  const Cls = cls ?? ContentSecurityPolicy as unknown as NonNullable<typeof cls>;
  const items: [string, string][] = [];
  for (const part of (value ?? "").split(";")) {
    const policy = part.trim();
    const space = policy.indexOf(" ");
    if (space === -1) continue;
    items.push([policy.slice(0, space).trim(), policy.slice(space + 1).trim()]);
  }
  return new Cls(items, onUpdate);
}

/**
 * Serializes a policy as a header value (Werkzeug's `dump_csp_header`).
 *
 * @example
 * ```ts
 * import { dumpCspHeader } from "@phial/phial";
 * dumpCspHeader([["default-src", "'self'"], ["img-src", "*"]]); // "default-src 'self'; img-src *"
 * ```
 *
 * @param policy A `ContentSecurityPolicy` or `[directive, value]` pairs.
 * @returns `directive value` pairs joined by `; `.
 */
export function dumpCspHeader(policy: Iterable<readonly [string, string]>): string {
  const out: string[] = [];
  for (const [directive, value] of policy) out.push(`${directive} ${value}`);
  return out.join("; ");
}
