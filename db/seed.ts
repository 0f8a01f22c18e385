import type { Sql } from './client.ts';
import { createCampaign } from './campaigns.ts';
import { createScenario } from './scenarios.ts';

/**
 * The seed plan's sample data: two campaigns with a draft scenario each, added on the first start
 * of the embedded default so a new user sees something. Tests start from an empty database.
 */
export async function seedSamples(sql: Sql): Promise<void> {
  const [{ n } = { n: 0 }] = await sql<{ n: number }[]>`SELECT count(*)::int AS n FROM campaigns`;
  if (n > 0) return;
  const support = await createCampaign(
    sql,
    {
      name: 'AI-Powered Customer Service',
      description: 'Suite of scenarios focused on automated customer support solutions',
      color: 'blue',
      icon: 'headset',
      client: 'TechCorp Solutions',
      category: 'customer-service',
    },
    'seed',
  );
  const content = await createCampaign(
    sql,
    {
      name: 'Content Creation & Marketing',
      description: 'Automated content generation and marketing workflow scenarios',
      color: 'purple',
      icon: 'edit',
      client: 'Creative Agency Pro',
      category: 'content-creation',
    },
    'seed',
  );
  await createScenario(
    sql,
    {
      campaignId: support.id,
      title: 'AI Customer Support Chatbot',
      request:
        'I need a customer support chatbot that can handle order inquiries, returns, and basic troubleshooting for my e-commerce store. It should escalate complex issues to human agents.',
      complexity: 'intermediate',
      category: 'customer-service',
    },
    'seed',
  );
  await createScenario(
    sql,
    {
      campaignId: content.id,
      title: 'Automated Social Media Content Generator',
      request:
        'Create a system that takes blog articles as input and generates social media posts with captions for several networks.',
      complexity: 'advanced',
      category: 'content-creation',
    },
    'seed',
  );
}
