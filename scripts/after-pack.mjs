// electron-builder's afterPack hook (electron-builder.yml). electron-builder loads hooks with plain
// Node, which (on Node 20) runs no TypeScript: register tsx, then run the typed hook.
import { register } from 'tsx/esm/api';

register();
const { afterPack } = await import('./electron-fuses.ts');

export default afterPack;
