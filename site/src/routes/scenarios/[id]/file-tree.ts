import type { ArtifactFile } from '../../../lib/types.ts';

/** A folder tree built from a bundle's flat manifest (folders first, then files, by name). */
export interface TreeNode {
  name: string;
  path: string;
  file?: ArtifactFile;
  children: TreeNode[];
}

export function buildTree(files: ArtifactFile[]): TreeNode[] {
  const root: TreeNode = { name: '', path: '', children: [] };
  for (const f of files) {
    const parts = f.path.split('/').filter(Boolean);
    let node = root;
    parts.forEach((part, i) => {
      const path = parts.slice(0, i + 1).join('/');
      const isFolder = i < parts.length - 1;
      let child = node.children.find((c) => c.name === part && !c.file === isFolder);
      if (!child) {
        child = { name: part, path, children: [], ...(i === parts.length - 1 ? { file: f } : {}) };
        node.children.push(child);
      }
      node = child;
    });
  }
  const sort = (n: TreeNode) => {
    n.children.sort((a, b) => Number(!!a.file) - Number(!!b.file) || a.name.localeCompare(b.name));
    n.children.forEach(sort);
  };
  sort(root);
  return root.children;
}
