// Imported first by the SDK's Node entry points (ES modules evaluate their imports in order), so that an
// older Node gets one line naming the version it needs instead of an error from deep inside a dependency.
import { SDK_NODE, requireNode } from "./runtime.ts";

requireNode(SDK_NODE, "zkmargin");
