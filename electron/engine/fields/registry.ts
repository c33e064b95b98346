/**
 * One declaration per field. Dissectors and syscall decoders call `defineField` at module load;
 * the details tree, the CLI (`-e`, `fields`), the filter language and completion all read this
 * registry. Nothing else may restate a field's name, type or description.
 */
import type { FieldInfo } from '../../../shared/fields.ts';

export interface FieldDef extends FieldInfo {
  /** Dense numeric id, used in the flat dissection buffers. */
  readonly id: number;
  /** For bit-fields: the mask applied to the containing integer (Wireshark's bitmask). */
  readonly mask?: number;
}

const byName = new Map<string, FieldDef>();
const byId: FieldDef[] = [];

/** Declare a field. Declaring the same name twice with a different type is a programming error. */
export function defineField(info: FieldInfo & { mask?: number }): FieldDef {
  const existing = byName.get(info.name);
  if (existing) {
    if (existing.type !== info.type) {
      throw new Error(`field ${info.name} declared twice with types ${existing.type} and ${info.type}`);
    }
    return existing;
  }
  const def: FieldDef = Object.freeze({ ...info, id: byId.length });
  byId.push(def);
  byName.set(def.name, def);
  return def;
}

/** Shorthand for a protocol node (`ip`, `tcp`, `dns`). */
export function defineProtocol(name: string, description: string): FieldDef {
  return defineField({ name, type: 'protocol', description });
}

export function fieldByName(name: string): FieldDef | undefined {
  return byName.get(name);
}

export function fieldById(id: number): FieldDef {
  const f = byId[id];
  if (!f) throw new Error(`no field with id ${id}`);
  return f;
}

/** Every declared field, in declaration order. Import `all-fields.ts` first to load them all. */
export function allFields(): readonly FieldDef[] {
  return byId;
}

/** The serialisable catalogue sent to the renderer. */
export function fieldCatalogue(): FieldInfo[] {
  return byId.map(({ id: _id, mask: _mask, ...info }) => info);
}
