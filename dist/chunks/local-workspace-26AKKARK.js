#!/usr/bin/env node
import { createRequire as __jobagentCreateRequire } from 'node:module'; const require = __jobagentCreateRequire(import.meta.url);
import{a,b,c}from"./chunk-IBV26FPR.js";import"./chunk-6ZZD2VMN.js";import"./chunk-WCH3OSLE.js";import"./chunk-KC7QYNDT.js";import"./chunk-VBIFKMSC.js";import"./chunk-7G7MDKJF.js";import"./chunk-MSXVNZMT.js";export{b as FAIL_MARKER,a as defaultSeed,c as startLocalWorkspace};
