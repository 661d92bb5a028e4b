// A small YAML writer, for showing objects the way `kubectl get -o yaml` lays them out when the
// server hands us an object rather than its text.

const PLAIN = /^[A-Za-z_/.][\w./:@ -]*$/;
const RESERVED = /^(true|false|yes|no|on|off|null|~|y|n)$/i;

function scalar(value) {
  if (value === null || value === undefined) return "null";
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  const text = String(value);
  if (text === "") return '""';
  if (PLAIN.test(text) && !RESERVED.test(text) && !/: |\s$|^-/.test(text) && !/^\d/.test(text)) return text;
  return JSON.stringify(text);
}

export function toYaml(value, indent = 0) {
  const pad = " ".repeat(indent);
  if (Array.isArray(value)) {
    if (!value.length) return "[]";
    return value
      .map((item) => {
        if (item && typeof item === "object" && !Array.isArray(item) && Object.keys(item).length) {
          const inner = toYaml(item, indent + 2).replace(/^\s+/, "");
          return `${pad}- ${inner}`;
        }
        return `${pad}- ${toYaml(item, indent + 2).trimStart()}`;
      })
      .join("\n");
  }
  if (value && typeof value === "object") {
    const keys = Object.keys(value).sort(); // kubectl -o yaml prints map keys in order
    if (!keys.length) return "{}";
    return keys
      .map((k) => {
        const v = value[k];
        const name = scalar(k);
        if (v && typeof v === "object" && (Array.isArray(v) ? v.length : Object.keys(v).length)) {
          const childIndent = Array.isArray(v) ? indent : indent + 2;
          return `${pad}${name}:\n${toYaml(v, childIndent)}`;
        }
        if (typeof v === "string" && v.includes("\n")) {
          const body = v.replace(/\n$/, "").split("\n").map((line) => `${pad}  ${line}`).join("\n");
          return `${pad}${name}: |${v.endsWith("\n") ? "" : "-"}\n${body}`;
        }
        return `${pad}${name}: ${toYaml(v, indent + 2).trimStart()}`;
      })
      .join("\n");
  }
  return `${pad}${scalar(value)}`;
}
