#!/usr/bin/env node
import { createRequire as __jobagentCreateRequire } from 'node:module'; const require = __jobagentCreateRequire(import.meta.url);
import{a as t}from"./chunk-MSXVNZMT.js";function n(o){return typeof o=="object"&&o!==null&&!Array.isArray(o)}t(n,"isObject");export{n as a};
