#!/usr/bin/env node
import { createRequire as __jobagentCreateRequire } from 'node:module'; const require = __jobagentCreateRequire(import.meta.url);
import{d as o,e as t}from"./chunk-7G7MDKJF.js";var n=o("Task").filter(e=>e.endsWith("_task")),s=t("GitProvider"),i=t("RunIf"),l=o("JobSettings"),S=o("Task"),a=o("Job"),E=o("WebhookNotifications"),_=t("JobPermissionLevel"),I=o("JobAccessControlRequest").filter(e=>e!=="permission_level");export{n as a,s as b,l as c,S as d,a as e,E as f,_ as g,I as h};
