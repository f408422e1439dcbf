import { createClient } from '@wix/sdk';
import { ticketDefinitionsV2 } from '@wix/events';
import { items, collections } from '@wix/data';
const log = [];
const fetchImpl = async (url, init) => { log.push([init?.method||'GET', String(url), init?.body?.slice?.(0,300), JSON.stringify(init?.headers)]); return new Response(JSON.stringify({}), {status:200, headers:{'content-type':'application/json'}}); };
const auth = { getAuthHeaders: async () => ({ headers: { Authorization: 'LOCAL' } }) };
const c = createClient({ modules: { ticketDefinitionsV2, items, collections }, auth, fetch: fetchImpl });
const calls = {
  get: () => c.ticketDefinitionsV2.getTicketDefinition('abc', { fields: ['SALES_DETAILS'] }),
  query: () => c.ticketDefinitionsV2.queryTicketDefinitions().eq('eventId','e1').limit(10).find(),
  create: () => c.ticketDefinitionsV2.createTicketDefinition({ eventId:'e1', name:'x', pricingMethod:{fixedPrice:{value:'1', currency:'USD'}}}),
  update: () => c.ticketDefinitionsV2.updateTicketDefinition('abc', { revision:'1', name:'y'}),
  del: () => c.ticketDefinitionsV2.deleteTicketDefinition('abc'),
  count: () => c.ticketDefinitionsV2.countTicketDefinitions({ filter:{eventId:'e1'}}),
  iget: () => c.items.get('Coll', 'id1'),
  iins: () => c.items.insert('Coll', { _id:'x', a:1 }),
  iupd: () => c.items.update('Coll', { _id:'x', a:2 }),
  isave: () => c.items.save('Coll', { _id:'x', a:2 }),
  irem: () => c.items.remove('Coll', 'x'),
  iq: () => c.items.query('Coll').eq('a', 1).gt('b', 2).ascending('a').limit(5).find(),
  ibs: () => c.items.bulkSave('Coll', [{ _id:'x', a:2 }]),
  ibi: () => c.items.bulkInsert('Coll', [{ _id:'x', a:2 }]),
  ibr: () => c.items.bulkRemove('Coll', ['x']),
  icount: () => c.items.query('Coll').eq('a',1).count(),
  ccreate: () => c.collections.createDataCollection({ _id:'Coll', fields:[{key:'a', type:'NUMBER'}], permissions:{read:'ANYONE', insert:'ADMIN', update:'ADMIN', remove:'ADMIN'}}),
  cget: () => c.collections.getDataCollection('Coll'),
  clist: () => c.collections.listDataCollections(),
};
for (const [k, f] of Object.entries(calls)) { log.length=0; try { const r = await f(); console.log(k, 'OK', JSON.stringify(r)?.slice(0,100)); } catch (e) { console.log(k, 'ERR', e.message.slice(0,100)); } for (const l of log) console.log('   ', l.join(' | ')); }
