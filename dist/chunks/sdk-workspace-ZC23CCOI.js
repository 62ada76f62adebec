#!/usr/bin/env node
import { createRequire as __jobagentCreateRequire } from 'node:module'; const require = __jobagentCreateRequire(import.meta.url);
import{a}from"./chunk-QT4MVC5N.js";import"./chunk-66VWL7YL.js";import"./chunk-6RCUBUDZ.js";import"./chunk-UICKJYL7.js";import"./chunk-MSXVNZMT.js";export{a as createSdkWorkspace};
