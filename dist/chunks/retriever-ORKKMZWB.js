#!/usr/bin/env node
import { createRequire as __jobagentCreateRequire } from 'node:module'; const require = __jobagentCreateRequire(import.meta.url);
import{a,b,c,d,e}from"./chunk-63IJJTEH.js";import"./chunk-JE4OGU6V.js";import"./chunk-7G7MDKJF.js";import"./chunk-MSXVNZMT.js";export{a as DocsSourceError,e as fieldSegments,b as getRetriever,d as linkedRef,c as readIndexFile};
