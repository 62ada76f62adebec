#!/usr/bin/env node
import { createRequire as __jobagentCreateRequire } from 'node:module'; const require = __jobagentCreateRequire(import.meta.url);
import{a,b,c,d}from"./chunk-JPYRP5AH.js";import"./chunk-JE4OGU6V.js";import"./chunk-7G7MDKJF.js";import"./chunk-MSXVNZMT.js";export{a as DocsSourceError,d as fieldSegments,b as getRetriever,c as readIndexFile};
