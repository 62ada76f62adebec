#!/usr/bin/env node
import { createRequire as __jobagentCreateRequire } from 'node:module'; const require = __jobagentCreateRequire(import.meta.url);
import{a,b}from"./chunk-G4XOPQ6N.js";import"./chunk-66VWL7YL.js";import"./chunk-6RCUBUDZ.js";import"./chunk-UICKJYL7.js";import"./chunk-MSXVNZMT.js";export{b as createSdkWorkspace,a as hostOfProfile};
