//! Uploaded files (photos of papers and of handovers from collectors' phones) behind an
//! object-store interface: a local folder by default, an S3-compatible bucket in production
//! (built with the `s3` feature). Every server instance reaches the same store.

use crate::kernel::error::AppError;
use object_store::{ObjectStore, ObjectStoreExt, path::Path};
use std::sync::Arc;

pub type Files = Arc<dyn ObjectStore>;

/// Where files go: `s3` (with the feature; bucket and keys from the usual `AWS_*` variables) or a
/// local folder.
pub fn open(location: &str) -> Result<Files, String> {
    #[cfg(feature = "s3")]
    if location == "s3" {
        let s3 = object_store::aws::AmazonS3Builder::from_env().build().map_err(|e| e.to_string())?;
        return Ok(Arc::new(s3));
    }
    std::fs::create_dir_all(location).map_err(|e| format!("{location}: {e}"))?;
    let local = object_store::local::LocalFileSystem::new_with_prefix(location).map_err(|e| e.to_string())?;
    Ok(Arc::new(local))
}

pub async fn put(files: &dyn ObjectStore, key: &str, bytes: bytes::Bytes) -> Result<(), AppError> {
    let path = Path::parse(key).map_err(|e| AppError::internal("bad object key", &e))?;
    files.put(&path, bytes.into()).await.map_err(|e| AppError::internal("object store write failed", &e))?;
    Ok(())
}

pub async fn get(files: &dyn ObjectStore, key: &str) -> Result<bytes::Bytes, AppError> {
    let path = Path::parse(key).map_err(|e| AppError::internal("bad object key", &e))?;
    match files.get(&path).await {
        Ok(r) => r.bytes().await.map_err(|e| AppError::internal("object store read failed", &e)),
        Err(object_store::Error::NotFound { .. }) => Err(AppError::NotFound),
        Err(e) => Err(AppError::internal("object store read failed", &e)),
    }
}

/// Deletes a file; one already gone is not an error.
pub async fn delete(files: &dyn ObjectStore, key: &str) -> Result<(), AppError> {
    let path = Path::parse(key).map_err(|e| AppError::internal("bad object key", &e))?;
    match files.delete(&path).await {
        Ok(()) | Err(object_store::Error::NotFound { .. }) => Ok(()),
        Err(e) => Err(AppError::internal("object store delete failed", &e)),
    }
}
